"""Move request pages (pindah domisili): file one, list them, decide one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.forms import add_error_to_form, add_error_to_messages
from core.pages import page_of

from . import moves, selectors
from .access import log_access
from .form_tokens import once_per_form_token
from .forms import MoveDecisionForm, MoveRequestForm
from .models import AccessAction, MoveRequest

FORM_FIELD = {"region_code": "region"}


def _form_field(name: str) -> str:
    return FORM_FIELD.get(name, name)


@login_required
def move_list(request: HttpRequest) -> HttpResponse:
    """Requests out of the user's area to decide, and the ones their area filed."""
    rows = moves.move_list(request.user)
    page = page_of(request, rows)
    return render(
        request,
        "cases/move_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "can_request": selectors.can_open_cases(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def move_request_new(request: HttpRequest) -> HttpResponse:
    if not selectors.can_open_cases(request.user):
        raise Http404
    villages = selectors.villages_for_intake(request.user)
    form = MoveRequestForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = moves.request_move(
                actor=request.user,
                nik=data["nik"],
                region_code=data["region"].code,
                rt=data["rt"],
                rw=data["rw"],
                street=data["street"],
                reason=data["reason"],
            )
        except DomainError as error:
            add_error_to_form(form, error, rename=_form_field)
        else:
            messages.success(request, _("Permintaan pindah domisili diajukan."))
            return redirect("move_request_detail", pk=move.pk)
    return render(request, "cases/move_request_form.html", {"form": form})


def _move_or_404(user, pk: int) -> MoveRequest:
    try:
        return (
            moves.moves_visible_to(user)
            .select_related("person__region", "from_region", "to_region", "requested_by")
            .get(pk=pk)
        )
    except MoveRequest.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def move_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request; its decider (who sees the person, logged) accepts or rejects it here.
    The receiving side sees only what it filed and the decision."""
    move = _move_or_404(request.user, pk)
    decider = moves.may_decide(request.user, move)
    form = MoveDecisionForm(request.POST or None) if decider else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                moves.decide_move(
                    actor=request.user,
                    move_id=move.pk,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                if error.is_refusal:
                    add_error_to_messages(request, error)
                    return redirect("move_request_detail", pk=move.pk)
                add_error_to_form(form, error, rename=_form_field)
            else:
                messages.success(request, _("Keputusan disimpan."))
                return redirect("move_request_detail", pk=move.pk)
    shows_person = moves.shows_person(request.user, move)
    if shows_person:
        log_access(
            user=request.user,
            action=AccessAction.VIEW_PERSON,
            route="move_request_detail",
            person=move.person,
            purpose="Keputusan pindah domisili",
        )
    return render(
        request,
        "cases/move_request_detail.html",
        {
            "move": move,
            "decider": decider,
            "shows_person": shows_person,
            "form": form,
            "now": timezone.now(),
        },
    )
