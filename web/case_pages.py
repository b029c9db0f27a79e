"""Staff pages: the case list, opening a case, the case page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Role
from agencies.selectors import roles_of
from cases import selectors
from cases.access import log_access
from cases.attachments import download_response
from cases.form_tokens import once_per_form_token, posted_token
from cases.forms import (
    ERROR_FIELD_MAP,
    CaseForm,
    DocumentForm,
    IntakeDocumentsForm,
    NoteForm,
    PersonForm,
)
from cases.models import AccessAction, AccessLog, Case, Stage
from cases.nik import looks_like_nik
from cases.pending_uploads import keep_form_uploads
from cases.services import add_documents, add_note
from core.errors import DomainError, IntakeError
from core.forms import add_error_to_form, add_error_to_messages
from referrals.selectors import downloadable_attachment
from web import lookups
from web import selectors as web_selectors
from web.forms import IntakePersonForm
from web.timeline import case_timeline
from workflows.forms import WaiveForm, form_for
from workflows.selectors import case_tasks
from workflows.services import open_case

PAGE_SIZE = 25


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
    """The case list. The search form posts, so a NIK typed into it never lands in a URL
    (browser history, proxy and server logs): a NIK search is answered at once, any other
    search is redirected to a bookmarkable GET."""
    params = request.POST if request.method == "POST" else request.GET
    q = params.get("q", "").strip()
    stage = params.get("stage", "")
    stage = stage if stage in Stage.values else ""
    mine = params.get("mine") == "1"
    if looks_like_nik(q):
        if request.method == "GET":
            messages.warning(request, _("Cari NIK lewat kotak pencarian, bukan lewat alamat."))
            return redirect("home")
    elif request.method == "POST":
        query = {
            k: v for k, v in {"q": q, "stage": stage, "mine": "1" if mine else ""}.items() if v
        }
        return redirect(f"{reverse('home')}?{urlencode(query)}" if query else reverse("home"))
    rows = web_selectors.case_list(request.user, q=q, stage=stage, mine=mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "q": q,
            "stage": stage,
            "mine": mine,
            "stages": Stage.choices,
            "now": timezone.now(),
            "can_open": selectors.can_open_cases(request.user),
        },
    )


def _apply_errors(
    error: IntakeError, case_form, applicant_form, beneficiary_form, documents_form
) -> None:
    forms_by_prefix = {"applicant": applicant_form, "beneficiary": beneficiary_form}
    for key, messages_ in error.field_errors.items():
        prefix, _dot, name = key.partition(".")
        form = forms_by_prefix.get(prefix)
        if prefix == "documents":
            form, name = documents_form, f"doc_{name}"
        elif form is None:
            form, name = case_form, key
        name = ERROR_FIELD_MAP.get(name, name)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def case_open(request: HttpRequest) -> HttpResponse:
    if not selectors.can_open_cases(request.user):
        raise Http404
    villages = selectors.villages_for_intake(request.user)
    data = request.POST if request.method == "POST" else None
    case_form = CaseForm(data)
    applicant_form = IntakePersonForm(
        data, prefix="applicant", villages=villages, user=request.user
    )
    beneficiary_form = IntakePersonForm(
        data, prefix="beneficiary", villages=villages, user=request.user
    )
    documents_form = IntakeDocumentsForm(data, request.FILES or None)
    candidates: dict[str, list] = {}
    double_aid: list[dict] = []
    if request.method == "POST":
        # Chosen files are kept with the form's token, so an error elsewhere loses none.
        keep_form_uploads(request, documents_form, token=posted_token(request))
        separate = not (case_form.is_valid() and case_form.cleaned_data["beneficiary_is_applicant"])
        forms_ok = all(
            [case_form.is_valid(), applicant_form.is_valid(), documents_form.is_valid()]
            + ([beneficiary_form.is_valid()] if separate else [])
        )
        if forms_ok:
            cleaned = case_form.cleaned_data
            relationship = cleaned["relationship"]
            applicant = applicant_form.to_input(relationship="" if separate else relationship)
            beneficiary = beneficiary_form.to_input(relationship) if separate else None
            if "confirm_new" not in request.POST:
                for prefix, person in (("applicant", applicant), ("beneficiary", beneficiary)):
                    found = person and selectors.intake_duplicate_candidates(request.user, person)
                    if found:
                        candidates[prefix] = found
            if not candidates and "confirm_double_aid" not in request.POST:
                double_aid = lookups.double_aid(
                    selectors.intake_person(request.user, beneficiary or applicant),
                    list(cleaned["requested_services"]),
                )
            if not candidates and not double_aid:
                try:
                    result = open_case(
                        actor=request.user,
                        kind=cleaned["kind"],
                        channel=cleaned["channel"],
                        ppks_category=getattr(cleaned["ppks_category"], "code", ""),
                        description=cleaned["description"],
                        requested_services=[s.code for s in cleaned["requested_services"]],
                        applicant=applicant,
                        beneficiary=beneficiary,
                        kk_number=cleaned["kk_number"],
                        priority=cleaned["priority"],
                        deceased_override_reason=cleaned["deceased_override_reason"],
                        documents=documents_form.to_inputs(),
                    )
                except IntakeError as error:
                    _apply_errors(
                        error, case_form, applicant_form, beneficiary_form, documents_form
                    )
                else:
                    messages.success(
                        request,
                        _("Kasus %(number)s berhasil dibuka.") % {"number": result.case.number},
                    )
                    for warning in result.warnings:
                        messages.warning(request, warning)
                    return redirect("case_detail", number=result.case.number)
    return render(
        request,
        "cases/case_open.html",
        {
            "case_form": case_form,
            "applicant_form": applicant_form,
            "beneficiary_form": beneficiary_form,
            "documents_form": documents_form,
            "candidates": candidates,
            "double_aid": double_aid,
        },
    )


def _intake_helper_prefix(request: HttpRequest, params) -> str:
    """The person block (applicant / beneficiary) an intake helper redraws; 404 for users
    who do not open cases and for anything else."""
    prefix = params.get("prefix")
    if not selectors.can_open_cases(request.user) or prefix not in ("applicant", "beneficiary"):
        raise Http404
    return prefix


@login_required
@require_POST
def intake_nik_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: what the NIK typed at intake tells (registered person, or NIK-derived data)."""
    prefix = _intake_helper_prefix(request, request.POST)
    data = request.POST.copy()
    lookup = lookups.nik_lookup(request.user, data.get(f"{prefix}-nik", ""))
    if lookup.status == "new":
        # Fill what the NIK itself says, unless the officer already typed something.
        if not data.get(f"{prefix}-birth_date") and lookup.birth_date:
            data[f"{prefix}-birth_date"] = lookup.birth_date.isoformat()
        if not data.get(f"{prefix}-sex"):
            data[f"{prefix}-sex"] = lookup.sex
    if lookup.person is not None:
        log_access(
            user=request.user,
            action=AccessAction.VIEW_PERSON,
            route="intake_nik_lookup",
            person=lookup.person,
            purpose="Pencarian NIK saat pendaftaran",
        )
    form = IntakePersonForm(
        data,
        prefix=prefix,
        villages=selectors.villages_for_intake(request.user),
        user=request.user,
        lookup=lookup,
    )
    return render(request, "cases/_person_identity.html", {"form": form})


@login_required
def region_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the cascading province > regency > district > village picker, or a search."""
    prefix = _intake_helper_prefix(request, request.GET)
    form = PersonForm(prefix=prefix, villages=selectors.villages_for_intake(request.user))
    picker = lookups.region_picker(
        request.user, code=request.GET.get("code", ""), q=request.GET.get("q", "")
    )
    return render(
        request,
        "cases/_region_picker.html",
        {"prefix": prefix, "picker": picker, "field": form["region"]},
    )


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
            row["form"] = bound_forms.get(row["item"].pk) or form_for(row["item"])
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
        "case": case,
        "tasks": tasks,
        "reveal_nik": reveal_nik,
        "timeline": case_timeline(case, viewer=request.user),
        "document_form": bound_forms.get("document") or DocumentForm(),
        "note_form": bound_forms.get("note") or NoteForm(),
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


def _case_or_404(user, number: str) -> Case:
    try:
        return selectors.case_detail(user, number)
    except Case.DoesNotExist:
        raise Http404 from None


def _documents_as_files(field: str) -> str:
    """The services name each document's errors ``documents.<n>.<field>``; a case page's
    upload forms have one ``files`` field."""
    return "files" if field.startswith("documents") else field


def _case_form_action(request, number: str, form, name: str, action, success: str):
    """Run ``action(case, form)`` for a valid form; re-render the case page with errors."""
    case = _case_or_404(request.user, number)
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
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = (
        selectors.people_visible_to(request.user)
        .select_related("region__parent__parent", "family")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404
    log_access(
        user=request.user, action=AccessAction.VIEW_PERSON, route="person_detail", person=person
    )
    supervisor = selectors.is_supervisor_for(request.user, person.region_id)
    context = {
        "person": person,
        "cases": selectors.cases_visible_to(request.user)
        .filter(Q(applicant=person) | Q(beneficiary=person))
        .select_related("region")
        .order_by("-opened_at"),
        "members": selectors.family_members_for(request.user, person),
        "supervisor": supervisor,
        "accesses": AccessLog.objects.filter(person=person).select_related("user", "case")[:100]
        if supervisor
        else [],
    }
    return render(request, "cases/person_detail.html", context)


@login_required
@require_POST
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A data-subject access request: everything held about the person, as JSON (logged)."""
    person = selectors.people_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if not selectors.is_supervisor_for(request.user, person.region_id):
        raise PermissionDenied
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        route="person_export",
        person=person,
        purpose="Permintaan akses subjek data",
    )
    response = JsonResponse(web_selectors.person_export(person), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="data-penduduk-{person.pk}.json"'
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A case document, only for those who may see the case (never a public media URL)."""
    attachment = downloadable_attachment(request.user, pk)
    if attachment is None:
        raise Http404
    log_access(
        user=request.user,
        action=AccessAction.DOWNLOAD,
        route="attachment_download",
        case=attachment.case,
    )
    # Offered under its generated name (cases.attachments), never the uploader's.
    return download_response(attachment)
