"""Reads on the registry and cases. ``cases_visible_to`` is the one place that decides scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from agencies.models import CASE_TEAM_ROLES, INTAKE_ROLES, Membership, Region, Role, Service
from agencies.selectors import agencies_of, areas_of, covers, roles_of
from core.types import Viewer

from .access import agency_case_ids
from .crypto import blind_index
from .duplicates import duplicate_candidates
from .models import AccessLog, Case, CaseStatus, Family, Person
from .names import name_key
from .nik import looks_like_nik, normalize_number

DUPLICATES_SHOWN = 10

# The one answer about a registered person the user may not see, given by the NIK lookup,
# intake (form and API) and family registration alike: no name, no village, no status.
REGISTERED_ELSEWHERE = gettext_lazy(
    "NIK ini sudah terdaftar di luar wilayah kerja Anda. Kasus untuk orang ini dibuka oleh "
    "Puskesos/SLRT tempat ia tinggal; bila ia sudah pindah ke wilayah Anda, ajukan pindah "
    "domisili."
)
OUTSIDE_YOUR_AREA = gettext_lazy("Desa/kelurahan yang dipilih di luar wilayah kerja Anda.")
KK_REGISTERED_ELSEWHERE = gettext_lazy(
    "Nomor KK ini terdaftar di luar wilayah kerja Anda. Anggota keluarga yang pindah diajukan "
    "lewat pindah domisili."
)


def person_by_nik(nik: str) -> Person | None:
    """The registered person with this NIK; for a merged record (a tombstone), the record it
    was merged into, which carries its cases and aid (``referrals.merge``)."""
    person = Person.objects.by_nik(nik).select_related("region", "family").first()
    if person is not None and person.merged_into_id is not None:
        return live_person(person)
    return person


def records_merged_into(person: Person) -> list[Person]:
    """Every record merged into ``person``, directly or along a chain (A into B, then B
    into ``person``), by id: one query per link of the chain."""
    found: list[Person] = []
    frontier = [person.pk]
    while frontier:
        batch = list(Person.objects.filter(merged_into__in=frontier).order_by("pk"))
        found += batch
        frontier = [record.pk for record in batch]
    return sorted(found, key=lambda record: record.pk)


def live_person(person: Person) -> Person:
    """``person``, or for a tombstone the record it was merged into (followed to the end:
    a survivor merged later in turn)."""
    seen = {person.pk}
    while person.merged_into_id is not None:
        person = Person.objects.select_related("region", "family").get(pk=person.merged_into_id)
        if person.pk in seen:  # never, a merge refuses it; guard against a loop anyway
            break
        seen.add(person.pk)
    return person


def names_differ(a: str, b: str) -> bool:
    return name_key(a) != name_key(b)


def likely_duplicates(
    *,
    full_name: str,
    birth_date: dt.date | None,
    region: Region,
    has_nik: bool = True,
    exclude_nik: str = "",
) -> list[Person]:
    """The people of :func:`duplicate_candidates`, best first, at most ``DUPLICATES_SHOWN``
    (three queries): what intake shows before registering someone new."""
    best = [
        candidate.person_id
        for candidate in duplicate_candidates(
            full_name=full_name,
            birth_date=birth_date,
            region=region,
            has_nik=has_nik,
            exclude_nik=exclude_nik,
        )[:DUPLICATES_SHOWN]
    ]
    people = Person.objects.in_bulk(best)
    return [people[pk] for pk in best]


def open_cases_of(person: Person) -> QuerySet[Case]:
    return Case.objects.filter(beneficiary=person, status=CaseStatus.OPEN).order_by("opened_at")


def open_cases_requesting(
    person: Person, services: list[Service]
) -> list[tuple[Case, list[Service]]]:
    """The person's open cases (as beneficiary) that request one of ``services``, oldest
    first, each with the ones of ``services`` it requests (two queries)."""
    wanted = {service.pk for service in services}
    cases = (
        open_cases_of(person)
        .filter(requested_services__in=wanted)
        .distinct()
        .prefetch_related("requested_services")
    )
    return [(case, [s for s in case.requested_services.all() if s.pk in wanted]) for case in cases]


def case_team_q(user: Viewer) -> Q:
    """Case filter: the cases ``user`` is on the team of (the one definition, see
    ``is_on_case_team``). Social workers, back office and supervisors: every case of their
    areas; intake officers: their areas' cases and the ones they opened. Agencies and
    administrators are on no case team, whatever their other memberships."""
    team = Region.within_any_q(areas_of(user, CASE_TEAM_ROLES))
    if Role.INTAKE in roles_of(user):
        team |= Q(opened_by=user)
    return team


def is_on_case_team(user: Viewer, case: Case) -> bool:
    """``case_team_q`` for one loaded case, without a query: the case team sees the whole
    case (visit findings, notes, files, sensitive PPKS category)."""
    if not user.is_authenticated:
        return False
    if case.opened_by_id == user.pk and Role.INTAKE in roles_of(user):
        return True
    return covers(user, case.region_id, CASE_TEAM_ROLES)


def _agency_group_ids(user: Viewer) -> list[int]:
    return [agency.group_id for agency in agencies_of(user) if agency.group_id]


def cases_visible_to(user: Viewer) -> QuerySet[Case]:
    """Every case ``user`` may see, by their active memberships. Nothing for anyone else.

    The case team (``case_team_q``) sees its cases whole. Agency staff see a case only
    through the object permission its referral (or forwarded complaint) granted their
    active agency's group, and only what that referral needs. Administrators configure; they
    do not read case contents.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    scope = case_team_q(user)
    group_ids = _agency_group_ids(user)
    if group_ids:
        scope |= Q(pk__in=agency_case_ids(group_ids))
    return Case.objects.filter(scope)


# A name search matches on at most this many words (a pasted paragraph is not a name).
SEARCH_PARTS = 6


def search_cases(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """By full NIK or KK number (through the blind indexes: the cases whose beneficiary or
    applicant has that NIK or belongs to that family card), case number, or beneficiary name
    (its folded key, ``cases.names.name_key``: "Jusuf" finds "Yusuf"; each part, in any
    order). A NIK and a KK number are both 16 digits: the term is looked up as each."""
    q = q.strip()
    if looks_like_nik(q):
        index = blind_index(normalize_number(q))
        family = Family.objects.filter(kk_index=index).values("pk")
        return qs.filter(
            Q(beneficiary__nik_index=index)
            | Q(applicant__nik_index=index)
            | Q(beneficiary__family_id__in=family)
            | Q(applicant__family_id__in=family)
        )
    if not q:
        return qs
    matches = Q(number__icontains=q)
    parts = name_key(q).split()[:SEARCH_PARTS]
    if parts:  # a case number folds to nothing: it must not match every name
        # Every part, in any order ("Yusuf Muhammad" finds "Muhammad Yusuf").
        name = Q()
        for part in parts:
            name &= Q(beneficiary__search_name__contains=part)
        matches |= name
    return qs.filter(matches)


def case_detail(user: Viewer, number: str) -> Case:
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


def villages_for_intake(user: Viewer) -> QuerySet[Region]:
    """Villages an intake officer may register people in: those of their membership areas."""
    areas = areas_of(user, INTAKE_ROLES)
    return Region.objects.filter(Region.regions_within_any_q(areas), level="village").order_by(
        "name"
    )


def can_open_cases(user: Viewer) -> bool:
    return bool(roles_of(user) & INTAKE_ROLES)


def case_etag(case: Case) -> str:
    """The ETag of the case as stored now: ``'"<case pk>-<latest history id>"'``.

    Every save of a case writes a history row, so the ETag changes with each edit. The API
    sends it with a case and ``update_case`` compares ``If-Match`` to it under the row lock.
    """
    latest = case.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f'"{case.pk}-{latest}"'


def sees_whole_case(user: Viewer, case: Case) -> bool:
    """Case team sees everything on the case (``is_on_case_team``); agency staff see only
    what their own referral needs."""
    return is_on_case_team(user, case)


def people_visible_to(user: Viewer) -> QuerySet[Person]:
    """People living in the areas of the user's case team roles (the registry they keep:
    people imported from DTKS or registered as family members have no case yet) and people
    on the cases of the user's own team. Agencies see people only on a case page."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    cases = Case.objects.filter(case_team_q(user))
    return Person.objects.filter(
        Region.within_any_q(areas_of(user, CASE_TEAM_ROLES))
        | Q(pk__in=cases.values("applicant_id"))
        | Q(pk__in=cases.values("beneficiary_id"))
    )


def access_log_q(user: Viewer) -> Q:
    """Access-log filter: entries about cases the user sees whole (visible and on the case
    team) or about people they may see, and entries about no one in particular (an export
    of a list, an import's report) written by staff whose memberships lie in the user's
    case-team areas. The admin and the "Log akses" page both read it."""
    team = cases_visible_to(user).filter(case_team_q(user))
    areas = areas_of(user, CASE_TEAM_ROLES)
    colleagues = Membership.objects.active().filter(Region.within_any_q(areas, field="area"))
    return (
        Q(case__in=team)
        | Q(person__in=people_visible_to(user))
        | Q(case__isnull=True, person__isnull=True, user__in=colleagues.values("user_id"))
    )


def access_log_visible_to(user: Viewer) -> QuerySet[AccessLog]:
    if not user.is_authenticated or not user.is_active:
        return AccessLog.objects.none()
    return AccessLog.objects.filter(access_log_q(user))


def is_supervisor_for(user: Viewer, region_code: str) -> bool:
    return covers(user, region_code, {Role.SUPERVISOR})


def may_register_in(user: Viewer, region_code: str) -> bool:
    """Whether ``user`` may open a case for someone living in ``region_code``."""
    return covers(user, region_code, INTAKE_ROLES)


def may_pick_person(user: Viewer, person: Person) -> bool:
    """Whether ``user`` may link a case to this registered person by picking the record:
    someone living in their intake area, or already on their team's cases."""
    return may_register_in(user, person.region_id) or (
        people_visible_to(user).filter(pk=person.pk).exists()
    )


def may_use_family(user: Viewer, family: Family) -> bool:
    """Whether ``user`` may file someone on this family card: each member lives in their
    intake area or is on their team's cases (a card with no members yet is free)."""
    members = list(family.members.only("pk", "region_id"))
    outside = [m.pk for m in members if not may_register_in(user, m.region_id)]
    return not outside or people_visible_to(user).filter(pk__in=outside).count() == len(outside)


def family_of(user: Viewer, person: Person) -> list[Person]:
    """``person`` and the members of their family card (KK) that ``user`` may see
    (``family_members_for``), the person first: who a referral of their case may name as
    the receiver of the aid."""
    return [person, *family_members_for(user, person).order_by("birth_date", "pk")]


def family_members_for(user: Viewer, person: Person) -> QuerySet[Person]:
    """The other members of ``person``'s family card that ``user`` may see: those living in
    their case-team areas or on their team's cases."""
    if person.family_id is None:
        return Person.objects.none()
    area = Region.within_any_q(areas_of(user, CASE_TEAM_ROLES))
    return (
        Person.objects.filter(family_id=person.family_id)
        .exclude(pk=person.pk)
        .filter(area | Q(pk__in=people_visible_to(user).values("pk")))
    )


def case_detail_or_404(user: Viewer, number: str) -> Case:
    """``case_detail`` for a page or an endpoint: a case out of scope and one that does not
    exist both raise ``Http404``, by the same path."""
    try:
        return case_detail(user, number)
    except Case.DoesNotExist:
        raise Http404 from None
