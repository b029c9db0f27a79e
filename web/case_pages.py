"""Staff pages: the case list and the case page with its tasks, documents and notes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Role
from agencies.selectors import roles_of
from cases import selectors
from cases.access import log_access
from cases.form_tokens import once_per_form_token, posted_token
from cases.forms import (
    ComplaintTierForm,
    DocumentForm,
    NoteForm,
)
from cases.models import AccessAction, Case, CaseKind, CaseStatus
from cases.nik import holds_id_number
from cases.pending_uploads import keep_form_uploads
from cases.services import add_documents, add_note
from core.errors import DomainError
from core.forms import add_error_to_form, add_error_to_messages
from core.pages import page_of
from web import selectors as web_selectors
from web.case_filters import DEFAULT_SORT, FILTER_NAMES, filter_cases
from web.timeline import case_timeline
from workflows.forms import ReopenForm, WaiveForm, form_for
from workflows.selectors import case_tasks, may_reopen_case
from workflows.services import edit_case, reopen_case

# Where each role starts its day after signing in (first match wins).
START_PAGE_BY_ROLE = [
    (Role.SUPERVISOR, "dashboard"),
    (Role.AGENCY_APPROVER, "agency_queue"),
    (Role.AGENCY_STAFF, "agency_queue"),
    (Role.SOCIAL_WORKER, "inbox"),
    (Role.BACK_OFFICE, "inbox"),
]


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """After sign-in: the page this user's role works from (intake officers: the case list)."""
    roles = roles_of(request.user)
    for role, page in START_PAGE_BY_ROLE:
        if role in roles:
            return redirect(page)
    if not roles and request.user.is_staff:
        return redirect("admin:index")  # administrators configure; they see no cases
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The case list, filtered and sorted by the URL's parameters (``web.case_filters``).

    The search form posts, so a NIK or KK number typed into it never lands in a URL
    (browser history, proxy and server logs): such a search is answered at once, as are
    filters with an error (shown on the form); any other is redirected to a bookmarkable GET
    carrying the filters."""
    if request.method == "POST":
        number_search = holds_id_number(request.POST.get("q", ""))
        filters = filter_cases(request.user, request.POST, allow_number_search=number_search)
        if not number_search and filters.is_valid():
            return redirect(list_url(request.POST))
    elif holds_id_number(request.GET.get("q", "")):
        messages.warning(request, _("Cari NIK atau nomor KK lewat kotak pencarian, bukan alamat."))
        return redirect("home")
    else:
        filters = filter_cases(request.user, request.GET)
    valid = filters.is_valid()
    # An invalid filter shows its message and no rows, never rows filtered otherwise.
    page = page_of(request, filters.qs if valid else Case.objects.none())
    form = filters.form
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "filters": filters,
            "form": form,
            "panel": [form[name] for name in FILTER_NAMES if name not in OUTSIDE_THE_PANEL],
            "q": form.cleaned_data.get("q", "") if valid else "",
            "filtered": any(filters.data.get(name) for name in FILTER_NAMES if name != "sort"),
            "checked": {
                name
                for name in ("overdue", "at_risk", "mine")
                if str(filters.data.get(name, "")).lower() in ("true", "1", "on")
            },
            "now": timezone.now(),
            "can_open": selectors.can_open_cases(request.user),
        },
        status=200 if valid else 400,
    )


# Filters shown beside the search box (or as check boxes), not in the collapsible panel.
OUTSIDE_THE_PANEL = ("q", "sort", "mine", "overdue", "at_risk")


def list_url(data: QueryDict) -> str:
    """The case list's address for the filters in ``data`` (empty ones, the default sort and
    anything not a filter left out, the filters in their form order)."""
    query = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = str(data.get(name, "")).strip()
        if value and not (name == "sort" and value == DEFAULT_SORT):
            query[name] = value
    return f"{reverse('home')}?{query.urlencode()}" if query else reverse("home")


def render_case_page(
    request: HttpRequest,
    number: str,
    *,
    bound_forms: dict | None = None,
    status: int = 200,
    reveal_nik: bool = False,
) -> HttpResponse:
    # bound_forms: task id -> task form, or "document" / "note" -> that form, with errors.
    """The case page; ``bound_forms`` carries a task form back with its errors.

    Every rendering is written to the access log (who read which citizen's data, when).
    """

    try:
        case = selectors.case_detail(request.user, number)
    except Case.DoesNotExist:
        raise Http404 from None
    bound_forms = bound_forms or {}
    tasks = case_tasks(request.user, case)
    for row in tasks:
        if row["can_complete"]:
            row["form"] = bound_forms.get(row["item"].pk) or form_for(
                row["item"], user=request.user
            )
        if row["can_assign"] and row["item"].kind == "verification":
            row["waive_form"] = WaiveForm()
    log_access(
        user=request.user,
        action=AccessAction.REVEAL_NIK if reveal_nik else AccessAction.VIEW_CASE,
        route=request.resolver_match.url_name if request.resolver_match else "case_detail",
        case=case,
        person=case.beneficiary,
    )
    context = {
        # The address a form's error page or a revealed NIK leaves in the address bar.
        "canonical_url": reverse("case_detail", args=[case.number]),
        "case": case,
        "tasks": tasks,
        "reveal_nik": reveal_nik,
        "timeline": case_timeline(case, viewer=request.user),
        "document_form": bound_forms.get("document") or DocumentForm(),
        "note_form": bound_forms.get("note") or NoteForm(),
        "tier_form": (
            bound_forms.get("tier")
            or ComplaintTierForm(initial={"complaint_tier": case.complaint_tier})
        )
        if case.kind != CaseKind.SERVICE_REQUEST
        and case.status == CaseStatus.OPEN
        and selectors.sees_whole_case(request.user, case)
        else None,
        "reopen_form": (bound_forms.get("reopen") or ReopenForm())
        if may_reopen_case(request.user, case)
        else None,
        **web_selectors.case_page(request.user, case),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    return render_case_page(request, number)


@login_required
@require_POST
def case_reveal_nik(request: HttpRequest, number: str) -> HttpResponse:
    """Show the full NIK on the case page (by POST, so it is deliberate; logged)."""
    return render_case_page(request, number, reveal_nik=True)


def _documents_as_files(field: str) -> str:
    """The services name each document's errors ``documents.<n>.<field>``; a case page's
    upload forms have one ``files`` field."""
    return "files" if field.startswith("documents") else field


def _case_form_action(request, number: str, form, name: str, action, success: str):
    """Run ``action(case, form)`` for a valid form; re-render the case page with errors."""
    case = selectors.case_detail_or_404(request.user, number)
    keep_form_uploads(request, form, token=posted_token(request))
    if form.is_valid():
        try:
            action(case, form)
        except DomainError as error:
            if error.is_refusal:
                add_error_to_messages(request, error)
                return redirect("case_detail", number=case.number)
            add_error_to_form(form, error, rename=_documents_as_files)
        else:
            messages.success(request, success, extra_tags=f"{name}-{case.pk}")
            return redirect("case_detail", number=case.number)
    return render_case_page(request, number, bound_forms={name: form}, status=400)


@login_required
@require_POST
@once_per_form_token
def case_add_document(request: HttpRequest, number: str) -> HttpResponse:
    return _case_form_action(
        request,
        number,
        DocumentForm(request.POST, request.FILES),
        "document",
        lambda case, form: add_documents(actor=request.user, case=case, documents=form.to_inputs()),
        _("Berkas diunggah."),
    )


@login_required
@require_POST
@once_per_form_token
def case_add_note(request: HttpRequest, number: str) -> HttpResponse:
    return _case_form_action(
        request,
        number,
        NoteForm(request.POST),
        "note",
        lambda case, form: add_note(actor=request.user, case=case, text=form.cleaned_data["text"]),
        _("Catatan disimpan."),
    )


@login_required
@require_POST
@once_per_form_token
def case_reopen(request: HttpRequest, number: str) -> HttpResponse:
    """A supervisor reopens a closed case with a reason (``workflows.services.reopen_case``)."""
    return _case_form_action(
        request,
        number,
        ReopenForm(request.POST),
        "reopen",
        lambda case, form: reopen_case(
            actor=request.user, number=case.number, reason=form.cleaned_data["reason"]
        ),
        _("Kasus dibuka kembali: putaran baru menunggu back office."),
    )


@login_required
@require_POST
@once_per_form_token
def case_change_tier(request: HttpRequest, number: str) -> HttpResponse:
    """The case team changes a complaint's tier; its open tasks' due dates follow
    (``workflows.services.edit_case``)."""
    return _case_form_action(
        request,
        number,
        ComplaintTierForm(request.POST),
        "tier",
        lambda case, form: edit_case(actor=request.user, case=case, changes=form.cleaned_data),
        _("Tingkat diubah; tenggat tugas berjalan dihitung ulang."),
    )
