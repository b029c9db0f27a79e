"""Keeping the registry true from the person page (issue 14): correct a person, file them on
a family card, add a family member not yet registered, record a DTKS/DTSEN check or a life
event; and the area's validation list.

Each action is for the officers who register people in the person's area
(``cases.services.corrections.may_correct_person``): 404 for a person the user does not
see, 403 for one they see but may not change. The service's errors come back on the form,
on the person page, with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.form_tokens import once_per_form_token
from cases.models import Person
from cases.registry_forms import (
    FamilyForm,
    FamilyMemberForm,
    LifeEventForm,
    PersonCorrectionForm,
    RegistryCheckForm,
)
from cases.services import assign_family, record_registry_status, register_person
from cases.services.corrections import correct_person, may_correct_person, record_life_event
from core.errors import DomainError, WorkflowError
from core.forms import add_error_to_form
from core.pages import page_of
from referrals.selectors import cases_needing_validation
from web.person_pages import person_page

# (person, cleaned data, actor) -> warnings to show after the success message.
Action = Callable[[Person, dict, object], list[str]]


def _upkeep(
    request: HttpRequest,
    pk: int,
    *,
    form: forms.Form,
    page_key: str,
    action: Action,
    success: str,
) -> HttpResponse:
    """The one path of every upkeep action: scope, form, service, answer."""
    person = selectors.people_visible_to(request.user).select_related("family").filter(pk=pk)
    found = person.first()
    if found is None:
        raise Http404
    if not may_correct_person(request.user, found):
        raise PermissionDenied
    if form.is_valid():
        try:
            warnings = action(found, form.cleaned_data, request.user)
        except Person.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, success)
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("person_detail", pk=pk)
    return person_page(request, pk, **{page_key: form})


@login_required
@require_POST
@once_per_form_token
def person_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a person's data with a reason (``correct_person``)."""
    villages = selectors.villages_for_intake(request.user)
    form = PersonCorrectionForm(request.POST, villages=villages)

    def action(person: Person, data: dict, actor) -> list[str]:
        correct_person(
            actor=actor, person_id=person.pk, correction=form.to_correction(), reason=data["reason"]
        )
        return []

    return _upkeep(
        request,
        pk,
        form=form,
        page_key="correction",
        action=action,
        success=_("Data penduduk diperbaiki."),
    )


def _record_check(person: Person, data: dict, actor) -> list[str]:
    if person.family is None:
        raise Person.DoesNotExist  # no card to record it on
    record_registry_status(
        actor=actor,
        family=person.family,
        status=data["registry_status"],
        decile=data["decile"],
        as_of=data["registry_as_of"],
        source=data["registry_source"],
    )
    return []


@login_required
@require_POST
@once_per_form_token
def person_registry_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a DTKS/DTSEN check of the person's family (``record_registry_status``)."""
    return _upkeep(
        request,
        pk,
        form=RegistryCheckForm(request.POST),
        page_key="registry_check",
        action=_record_check,
        success=_("Hasil cek DTKS/DTSEN dicatat."),
    )


def _record_life_event(person: Person, data: dict, actor) -> list[str]:
    record_life_event(
        actor=actor,
        person_id=person.pk,
        status=data["life_status"],
        on=data["life_status_date"],
        source=data["life_status_source"],
    )
    return []


@login_required
@require_POST
@once_per_form_token
def person_life_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a life event (``record_life_event``)."""
    return _upkeep(
        request,
        pk,
        form=LifeEventForm(request.POST),
        page_key="life_event",
        action=_record_life_event,
        success=_("Status penduduk dicatat."),
    )


def _file_on_family(person: Person, data: dict, actor) -> list[str]:
    before = (person.family_id, person.relationship)
    warnings = assign_family(
        actor=actor,
        person=person,
        kk_number=data["kk_number"],
        relationship=data["relationship"],
        reason=data["reason"],
    )
    person.refresh_from_db(fields=["family", "relationship"])
    if (person.family_id, person.relationship) == before:
        raise WorkflowError(field_errors={"kk_number": [_("Tidak ada data yang berubah.")]})
    return warnings


@login_required
@require_POST
@once_per_form_token
def person_family(request: HttpRequest, pk: int) -> HttpResponse:
    """File the person on a family card with their relationship and a reason
    (``assign_family``)."""
    return _upkeep(
        request,
        pk,
        form=FamilyForm(request.POST),
        page_key="family_form",
        action=_file_on_family,
        success=_("Kartu keluarga diperbarui."),
    )


@login_required
@require_POST
@once_per_form_token
def person_family_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a member of the person's family card who is not registered yet, living at
    the person's address (``register_person`` with ``only_new``); the likely duplicates
    and NIK warnings the service finds are shown after."""
    form = FamilyMemberForm(request.POST)

    def action(person: Person, data: dict, actor) -> list[str]:
        if person.family is None:
            raise Person.DoesNotExist  # no card to add them to
        _member, warnings = register_person(
            actor=actor,
            data=form.to_member_input(person),
            kk_number=person.family.kk_number,
            only_new=True,
        )
        return warnings

    name = form.data.get("full_name", "").strip()
    return _upkeep(
        request,
        pk,
        form=form,
        page_key="member_form",
        action=action,
        success=_("%(name)s ditambahkan ke kartu keluarga.") % {"name": name},
    )


@login_required
def validation_list(request: HttpRequest) -> HttpResponse:
    """Perlu validasi: open cases of the user's area whose beneficiary, or a pending
    referral's receiver, is no longer active."""
    page = page_of(request, cases_needing_validation(request.user))
    return render(request, "cases/validation_list.html", {"page": page})
