"""A person's page, their data export (data-subject request), and file downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.access import log_access
from cases.attachments import download_response
from cases.form_tokens import once_per_form_token
from cases.models import AccessAction, AccessLog, Person
from cases.registry_forms import (
    FamilyForm,
    LifeEventForm,
    PersonCorrectionForm,
    RegistryCheckForm,
)
from cases.services import assign_family, record_registry_status
from cases.services.corrections import correct_person, may_correct_person, record_life_event
from core.errors import DomainError
from core.forms import add_error_to_form
from core.pages import page_of
from referrals.selectors import cases_needing_validation, downloadable_attachment
from web import selectors as web_selectors


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, pk)


def _person_page(
    request: HttpRequest,
    pk: int,
    *,
    correction: PersonCorrectionForm | None = None,
    registry_check: RegistryCheckForm | None = None,
    life_event: LifeEventForm | None = None,
    family_form: FamilyForm | None = None,
) -> HttpResponse:
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
    # The registry upkeep forms, for the officers of the person's area; one posted back
    # with its errors is shown as it came.
    if may_correct_person(request.user, person):
        correction = correction or PersonCorrectionForm(
            person=person, villages=selectors.villages_for_intake(request.user)
        )
        life_event = life_event or LifeEventForm(initial={"life_status": person.life_status})
        family_form = family_form or FamilyForm(initial={"relationship": person.relationship})
        if person.family and registry_check is None:
            registry_check = RegistryCheckForm(
                initial={
                    "registry_status": person.family.registry_status,
                    "decile": person.family.decile,
                }
            )
    context = {
        "correction_form": correction,
        "registry_form": registry_check,
        "life_event_form": life_event,
        "family_form": family_form,
        "canonical_url": reverse("person_detail", args=[person.pk]),
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
    forms = (correction, registry_check, life_event, family_form)
    bound = [form for form in forms if form is not None and form.errors]
    return render(request, "cases/person_detail.html", context, status=400 if bound else 200)


@login_required
@require_POST
@once_per_form_token
def person_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a person's data with a reason (``cases.services.corrections``): 404 for a
    person the user does not see, 403 for one they see but may not correct."""
    person = selectors.people_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if not may_correct_person(request.user, person):
        raise PermissionDenied
    form = PersonCorrectionForm(request.POST, villages=selectors.villages_for_intake(request.user))
    if form.is_valid():
        try:
            correct_person(
                actor=request.user,
                person_id=pk,
                correction=form.to_correction(),
                reason=form.cleaned_data["reason"],
            )
        except Person.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            if error.is_refusal:
                raise PermissionDenied from None
            add_error_to_form(
                form, error, rename=lambda name: "region" if name == "region_code" else name
            )
        else:
            messages.success(request, _("Data penduduk diperbaiki."))
            return redirect("person_detail", pk=pk)
    return _person_page(request, pk, correction=form)


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


@login_required
@require_POST
@once_per_form_token
def person_registry_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a DTKS/DTSEN check of the person's family (``record_registry_status``)."""
    person = (
        selectors.people_visible_to(request.user).select_related("family").filter(pk=pk).first()
    )
    if person is None or person.family is None:
        raise Http404
    if not may_correct_person(request.user, person):
        raise PermissionDenied
    form = RegistryCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_registry_status(
                actor=request.user,
                family=person.family,
                status=data["registry_status"],
                decile=data["decile"],
                as_of=data["registry_as_of"],
                source=data["registry_source"],
            )
        except DomainError as error:
            # A family with members outside the area is refused with the form kept.
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Hasil cek DTKS/DTSEN dicatat."))
            return redirect("person_detail", pk=pk)
    return _person_page(request, pk, registry_check=form)


@login_required
@require_POST
@once_per_form_token
def person_life_event(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a life event (``cases.services.corrections.record_life_event``)."""
    person = selectors.people_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if not may_correct_person(request.user, person):
        raise PermissionDenied
    form = LifeEventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_life_event(
                actor=request.user,
                person_id=pk,
                status=data["life_status"],
                on=data["life_status_date"],
                source=data["life_status_source"],
            )
        except DomainError as error:
            if error.is_refusal:
                raise PermissionDenied from None
            add_error_to_form(form, error)
        else:
            messages.success(request, _("Status penduduk dicatat."))
            return redirect("person_detail", pk=pk)
    return _person_page(request, pk, life_event=form)


@login_required
def validation_list(request: HttpRequest) -> HttpResponse:
    """Perlu validasi: open cases of the user's area whose beneficiary, or a pending
    referral's receiver, is no longer active."""
    page = page_of(request, cases_needing_validation(request.user))
    return render(request, "cases/validation_list.html", {"page": page})


@login_required
@require_POST
@once_per_form_token
def person_family(request: HttpRequest, pk: int) -> HttpResponse:
    """File the person on a family card with their relationship, with a reason
    (``cases.services.assign_family``)."""
    person = selectors.people_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if not may_correct_person(request.user, person):
        raise PermissionDenied
    form = FamilyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        before = (person.family_id, person.relationship)
        try:
            warnings = assign_family(
                actor=request.user,
                person=person,
                kk_number=data["kk_number"],
                relationship=data["relationship"],
                reason=data["reason"],
            )
        except DomainError as error:
            if error.is_refusal:
                raise PermissionDenied from None
            add_error_to_form(form, error)
        else:
            person.refresh_from_db()
            if (person.family_id, person.relationship) == before:
                form.add_error(None, _("Tidak ada data yang berubah."))
            else:
                messages.success(request, _("Kartu keluarga diperbarui."))
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("person_detail", pk=pk)
    return _person_page(request, pk, family_form=form)
