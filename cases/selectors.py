"""Reads on the registry and cases. ``cases_visible_to`` is the one place that decides scope."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet

from agencies.models import AGENCY_ROLES, Region, Role
from agencies.selectors import active_memberships

from .crypto import blind_index
from .models import Case, CaseStatus, Person, normalize_name

LIKELY_DUPLICATE_RATIO = 0.8

# Roles that see every case in their membership area.
AREA_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR, Role.SOCIAL_WORKER}


def person_by_nik(nik: str) -> Person | None:
    return Person.objects.by_nik(nik).select_related("region", "family").first()


def names_differ(a: str, b: str) -> bool:
    return normalize_name(a) != normalize_name(b)


def likely_duplicates(
    *, full_name: str, birth_date: dt.date, region: Region, exclude_nik: str = ""
) -> list[Person]:
    """Registered people of the same village and birth date whose name is close to this one."""
    wanted = normalize_name(full_name)
    candidates = Person.objects.filter(birth_date=birth_date, region=region)
    if exclude_nik:
        candidates = candidates.exclude(nik_index=blind_index(exclude_nik))
    return [
        person
        for person in candidates[:50]
        if SequenceMatcher(None, wanted, person.search_name).ratio() >= LIKELY_DUPLICATE_RATIO
    ]


def open_cases_of(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(beneficiary=person, status=CaseStatus.OPEN).order_by("opened_at")


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case ``user`` may see, by their active memberships. Nothing for anyone else.

    Intake officers see their area's cases and the ones they opened; social workers, back
    office and supervisors see their area's. Agency staff see a case once it is referred or
    forwarded to their agency. Administrators configure; they do not read case contents.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    scope = Q(pk__in=[])
    agency_ids = set()
    for membership in active_memberships(user):
        if membership.role in AREA_ROLES:
            scope |= Region.within_q(membership.area_id)
        elif membership.role == Role.INTAKE:
            scope |= Region.within_q(membership.area_id) | Q(opened_by=user)
        elif membership.role in AGENCY_ROLES:
            agency_ids.add(membership.agency_id)
    if agency_ids:
        from referrals.models import Referral

        referred = Referral.objects.filter(agency_id__in=agency_ids).values("case_id")
        scope |= Q(pk__in=referred) | Q(forwarded_agency_id__in=agency_ids)
    return Case.objects.filter(scope)


def case_list(user, *, q: str = "") -> QuerySet[Case]:
    """The case list page's rows: visible cases with what a row shows, newest first."""
    qs = cases_visible_to(user).select_related(
        "beneficiary", "region", "ppks_category", "opened_by"
    )
    q = q.strip()
    if q.isdigit() and len(q) == 16:
        index = blind_index(q)
        qs = qs.filter(Q(beneficiary__nik_index=index) | Q(applicant__nik_index=index))
    elif q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(beneficiary__search_name__contains=normalize_name(q))
        )
    return qs.order_by("-opened_at", "-pk")


def case_detail(user, number: str) -> Case:
    """One visible case by number; raises Case.DoesNotExist when out of scope."""
    return (
        cases_visible_to(user)
        .select_related(
            "beneficiary__region__parent__parent",
            "beneficiary__family",
            "applicant",
            "ppks_category",
            "opened_by",
            "region",
        )
        .prefetch_related("requested_services")
        .get(number=number)
    )


def intake_duplicate_candidates(data) -> list[Person]:
    """People the officer should consider before a new record is made for ``data``.

    Empty when the officer already picked a record or the NIK is registered (it links).
    ``data`` is a ``cases.services.PersonInput``.
    """
    if data.existing_person_id or not (data.full_name and data.birth_date and data.region_code):
        return []
    if data.nik and Person.objects.by_nik(data.nik).exists():
        return []
    region = Region.objects.filter(code=data.region_code).first()
    if region is None:
        return []
    return likely_duplicates(
        full_name=data.full_name, birth_date=data.birth_date, region=region, exclude_nik=data.nik
    )


def villages_for_intake(user) -> QuerySet[Region]:
    """Villages an intake officer may register people in: those of their membership areas."""
    scope = Q(pk__in=[])
    for membership in active_memberships(user):
        if membership.role in (Role.INTAKE, Role.BACK_OFFICE, Role.SUPERVISOR):
            scope |= Q(code=membership.area_id) | Q(code__startswith=membership.area_id + ".")
    return Region.objects.filter(scope, level="village").order_by("name")


def can_open_cases(user) -> bool:
    return (
        active_memberships(user)
        .filter(role__in=[Role.INTAKE, Role.BACK_OFFICE, Role.SUPERVISOR])
        .exists()
    )


def prior_aid(person: Person, *, aid_types: set[str], on: dt.date) -> list[dict]:
    """Aid of these types already delivered to ``person`` in the period containing ``on``."""
    from referrals.models import Delivery, aid_period_key

    if not aid_types:
        return []
    found = []
    deliveries = Delivery.objects.filter(person=person, aid_type__in=aid_types).select_related(
        "service", "referral__agency"
    )
    for delivery in deliveries:
        if delivery.period == aid_period_key(delivery.service.aid_period, on):
            found.append(
                {
                    "service": delivery.service.name,
                    "aid_type": delivery.aid_type,
                    "period": delivery.period,
                    "agency": delivery.referral.agency.name,
                    "delivered_at": delivery.delivered_at.date().isoformat(),
                }
            )
    return found


def registry_findings(case: Case) -> dict:
    """The registry check: DTKS/DTSEN status and decile, open cases, aid already received."""
    from django.utils import timezone

    family = case.beneficiary.family
    aid_types = {s.aid_type for s in case.requested_services.all() if s.aid_type}
    return {
        "registry_status": family.registry_status if family else "unknown",
        "decile": family.decile if family else None,
        "as_of": family.registry_as_of.isoformat() if family and family.registry_as_of else None,
        "source": family.registry_source if family else "",
        "open_cases": list(
            open_cases_of(case.beneficiary).exclude(pk=case.pk).values_list("number", flat=True)
        ),
        "prior_aid": prior_aid(case.beneficiary, aid_types=aid_types, on=timezone.localdate()),
    }


def sees_whole_case(user, case: Case) -> bool:
    """Case team in the area (or the officer who opened it) sees everything on the case;
    agency staff see only what their own referral needs."""
    if case.opened_by_id == user.pk:
        return True
    return any(
        m.role not in AGENCY_ROLES and m.area.contains(case.region_id)
        for m in active_memberships(user)
    )


def case_page(user, case: Case) -> dict:
    """Everything the case page shows besides tasks, in a fixed number of queries."""
    from referrals.models import Referral

    whole = sees_whole_case(user, case)
    referrals = Referral.objects.filter(case=case).select_related(
        "service", "agency", "delivery", "sent_by"
    )
    if not whole:
        agency_ids = [m.agency_id for m in active_memberships(user) if m.role in AGENCY_ROLES]
        referrals = referrals.filter(agency_id__in=agency_ids)
    return {
        "whole_case": whole,
        "referrals": list(referrals.order_by("sent_at")),
        "visits": list(case.visits.select_related("visited_by").prefetch_related("photos"))
        if whole
        else [],
        "follow_ups": list(case.follow_ups.select_related("recorded_by")) if whole else [],
        "notes": list(case.notes.select_related("author")) if whole else [],
        "history": list(case.history.select_related("history_user").order_by("-history_date")[:50])
        if whole
        else [],
    }
