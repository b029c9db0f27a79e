"""A person's page, their data export (data-subject request), and file downloads."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases import selectors
from cases.access import log_access
from cases.attachments import download_response
from cases.models import AccessAction, AccessLog, Person
from cases.registry_forms import (
    FamilyForm,
    FamilyMemberForm,
    LifeEventForm,
    PersonCorrectionForm,
    RegistryCheckForm,
)
from cases.services.corrections import may_correct_person
from referrals.models import Delivery
from referrals.selectors import downloadable_attachment
from web import selectors as web_selectors


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return person_page(request, pk)


def person_page(
    request: HttpRequest,
    pk: int,
    *,
    correction: PersonCorrectionForm | None = None,
    registry_check: RegistryCheckForm | None = None,
    life_event: LifeEventForm | None = None,
    family_form: FamilyForm | None = None,
    member_form: FamilyMemberForm | None = None,
) -> HttpResponse:
    """The person page, with the registry upkeep forms for the officers of the person's
    area (``web.registry_pages``); a form posted back with its errors is shown as it came
    (400)."""
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
    posted = {
        "correction_form": correction,
        "registry_form": registry_check,
        "life_event_form": life_event,
        "family_form": family_form,
        "member_form": member_form,
    }
    upkeep = _upkeep_forms(request, person, posted)
    context = {
        **upkeep,
        "canonical_url": reverse("person_detail", args=[person.pk]),
        "person": person,
        **_person_records(request, person),
        "supervisor": supervisor,
        "accesses": AccessLog.objects.filter(person=person).select_related("user", "case")[:100]
        if supervisor
        else [],
    }
    bound = [form for form in upkeep.values() if form is not None and form.errors]
    return render(request, "cases/person_detail.html", context, status=400 if bound else 200)


def _person_records(request: HttpRequest, person: Person) -> dict:
    """What the person page lists: their cases and aid within the user's cases, family
    members in scope, and the merge either way (a tombstone's survivor, merged records)."""
    cases = selectors.cases_visible_to(request.user)
    return {
        "cases": cases.filter(Q(applicant=person) | Q(beneficiary=person))
        .select_related("region")
        .order_by("-opened_at"),
        "members": selectors.family_members_for(request.user, person),
        **_merge_of(request, person),
        "deliveries": Delivery.objects.filter(person=person, referral__case__in=cases)
        .select_related("service", "referral__agency", "referral__case")
        .order_by("-delivered_at")[:50],
    }


def _merge_of(request: HttpRequest, person: Person) -> dict:
    """For a merged record, where its cases went (``merged_into``: the survivor at the end
    of the chain, named only when the user sees it, else ``merged_elsewhere``); for any,
    the records merged into it."""
    merge: dict = {"merged_records": selectors.records_merged_into(person)}
    if person.merged_into_id:
        survivor = selectors.live_person(person)
        if selectors.people_visible_to(request.user).filter(pk=survivor.pk).exists():
            merge["merged_into"] = survivor
        else:
            merge["merged_elsewhere"] = True
    return merge


def _upkeep_forms(
    request: HttpRequest, person: Person, posted: dict[str, Form | None]
) -> dict[str, Form | None]:
    """The registry upkeep forms, by their name on the page, for the officers of the
    person's area (none for anyone else); one posted back with its errors is kept as it
    came. The family card's own forms only when the person is on a card."""
    if not may_correct_person(request.user, person):
        return {}
    family = person.family
    blank: dict[str, Callable[[], Form] | None] = {
        "correction_form": lambda: PersonCorrectionForm(
            person=person, villages=selectors.villages_for_intake(request.user)
        ),
        "life_event_form": lambda: LifeEventForm(initial={"life_status": person.life_status}),
        "family_form": lambda: FamilyForm(initial={"relationship": person.relationship}),
        "member_form": FamilyMemberForm if family else None,
        "registry_form": (
            lambda: RegistryCheckForm(
                initial={"registry_status": family.registry_status, "decile": family.decile}
            )
        )
        if family
        else None,
    }
    return {
        name: posted.get(name) or (make() if make is not None else None)
        for name, make in blank.items()
    }


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
