"""Task pages: the inbox, claiming, completing, reassigning; the notification list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.form_tokens import once_per_form_token, posted_token
from cases.moves import pending_moves_to_decide
from cases.pending_uploads import keep_form_uploads
from cases.selectors import cases_visible_to
from core.deadlines import overdue_q
from core.errors import DomainError
from core.forms import add_error_to_form, add_error_to_messages
from core.pages import page_of
from web.case_pages import render_case_page
from workflows import notifications, selectors, services
from workflows.forms import WaiveForm, form_for
from workflows.models import Notification, WorkItem


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Kotak masuk: the tasks I can act on now, nearest due first."""
    page = page_of(request, selectors.actionable_tasks(request.user))
    now = timezone.now()
    moves = pending_moves_to_decide(request.user).aggregate(
        total=Count("pk"), overdue=Count("pk", filter=overdue_q(now))
    )
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "now": now,
            "moves_to_decide": moves["total"],
            "moves_overdue": moves["overdue"],
        },
    )


def _back(item: WorkItem):
    return redirect("case_detail", number=item.case.number)


@login_required
@require_POST
@once_per_form_token
def task_claim(request: HttpRequest, task_id: int) -> HttpResponse:
    item = selectors.visible_task_or_404(request.user, task_id)
    try:
        services.claim_task(actor=request.user, task_id=item.pk)
    except DomainError as error:
        add_error_to_messages(request, error)
    else:
        messages.success(request, _("Tugas diambil."))
    return _back(item)


@login_required
@require_POST
@once_per_form_token
def task_assign(request: HttpRequest, task_id: int) -> HttpResponse:
    item = selectors.visible_task_or_404(request.user, task_id)
    chosen = request.POST.get("assignee", "")
    assignee = (
        get_user_model().objects.filter(pk=int(chosen)).first()
        if chosen.isascii() and chosen.isdecimal() and len(chosen) < 18
        else None
    )
    try:
        services.assign_task(actor=request.user, task_id=item.pk, assignee=assignee)
    except DomainError as error:
        add_error_to_messages(request, error)
    else:
        messages.success(
            request,
            _("Tugas dialihkan ke %(name)s.")
            % {"name": assignee.get_full_name() or assignee.get_username()},
        )
    return _back(item)


@login_required
@require_POST
@once_per_form_token
def task_waive(request: HttpRequest, task_id: int) -> HttpResponse:
    item = selectors.visible_task_or_404(request.user, task_id)
    form = WaiveForm(request.POST)
    form.is_valid()
    try:
        services.waive_verification(
            actor=request.user, task_id=item.pk, reason=form.cleaned_data.get("reason", "")
        )
    except DomainError as error:
        add_error_to_messages(request, error)
    else:
        messages.success(request, _("Kunjungan rumah ditiadakan."))
    return _back(item)


@login_required
@require_POST
@once_per_form_token
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    item = selectors.visible_task_or_404(request.user, task_id)
    form = form_for(item, request.POST, request.FILES, user=request.user)
    # A photo or proof chosen is kept with the form's token, so an error loses none.
    keep_form_uploads(request, form, token=posted_token(request))
    if form.is_valid():
        try:
            form.submit(request.user, item.pk)
        except DomainError as error:
            if error.is_refusal:
                add_error_to_messages(request, error)
                return _back(item)
            add_error_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(task)s selesai.") % {"task": item.get_kind_display()},
                extra_tags=f"task-{item.pk}",  # the browser drops its draft of this form
            )
            return _back(item)
    return render_case_page(request, item.case.number, bound_forms={item.pk: form}, status=400)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user).select_related("case")
    page = page_of(request, qs, per_page=30)
    return render(request, "workflows/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notice = notifications.mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    if notice.case_id and cases_visible_to(request.user).filter(pk=notice.case_id).exists():
        return redirect("case_detail", number=notice.case.number)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notifications.mark_all_read(user=request.user)
    return redirect("notification_list")
