"""Reads on the registry and cases. ``cases_visible_to`` is the one place that decides scope."""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy

from agencies.models import CASE_TEAM_ROLES, INTAKE_ROLES, Region, Role
from agencies.selectors import agencies_of, areas_of, covers, roles_of

from .crypto import blind_index
from .models import Case, CaseStatus, Family, Person, RegistryStatus, normalize_name

LIKELY_DUPLICATE_RATIO = 0.8

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
    return Person.objects.by_nik(nik).select_related("region", "family").first()


def intake_person(user, data) -> Person | None:
    """The registered person a ``PersonInput`` points at (picked record or NIK), if ``user``
    may pick them: what the intake page shows about them must not reach anyone else."""
    from .nik import normalize_number

    if data.existing_person_id:
        person = Person.objects.filter(pk=data.existing_person_id).first()
    else:
        nik = normalize_number(data.nik)
        person = person_by_nik(nik) if nik else None
    return person if person is not None and may_pick_person(user, person) else None


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


def case_team_q(user) -> Q:
    """Case filter: the cases ``user`` is on the team of (the one definition, see
    ``is_on_case_team``). Social workers, back office and supervisors: every case of their
    areas; intake officers: their areas' cases and the ones they opened. Agencies and
    administrators are on no case team, whatever their other memberships."""
    team = Region.within_any_q(areas_of(user, CASE_TEAM_ROLES))
    if Role.INTAKE in roles_of(user):
        team |= Q(opened_by=user)
    return team


def is_on_case_team(user, case: Case) -> bool:
    """``case_team_q`` for one loaded case, without a query: the case team sees the whole
    case (visit findings, notes, files, sensitive PPKS category)."""
    if not user.is_authenticated:
        return False
    if case.opened_by_id == user.pk and Role.INTAKE in roles_of(user):
        return True
    return covers(user, case.region_id, CASE_TEAM_ROLES)


def _agency_group_ids(user) -> list[int]:
    return [agency.group_id for agency in agencies_of(user) if agency.group_id]


def cases_visible_to(user) -> QuerySet[Case]:
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
        from .access import agency_case_ids

        scope |= Q(pk__in=agency_case_ids(group_ids))
    return Case.objects.filter(scope)


def referrals_visible_to(user):
    """Referrals ``user`` may see: all on their team's cases; their own agency's otherwise.

    A revoked referral is gone for its agency (it was withdrawn before the agency served
    it); an ended one (delivered, rejected, declined) stays readable for the agency.
    """
    from referrals.models import Referral, ReferralStatus

    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    team_cases = Case.objects.filter(case_team_q(user)).values("pk")
    agency_ids = [agency.pk for agency in agencies_of(user)]
    return Referral.objects.filter(
        Q(case_id__in=team_cases)
        | (Q(agency_id__in=agency_ids) & ~Q(status=ReferralStatus.REVOKED))
    )


def search_cases(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """By full NIK (through the blind index), case number, or beneficiary name."""
    from .nik import looks_like_nik, normalize_number

    q = q.strip()
    if looks_like_nik(q):
        index = blind_index(normalize_number(q))
        return qs.filter(Q(beneficiary__nik_index=index) | Q(applicant__nik_index=index))
    if q:
        return qs.filter(
            Q(number__icontains=q) | Q(beneficiary__search_name__contains=normalize_name(q))
        )
    return qs


def case_list(user, *, q: str = "", stage: str = "", mine: bool = False) -> QuerySet[Case]:
    """The case list page's rows: visible cases with what a row shows, newest first.

    ``next_due`` is the nearest deadline among the case's open tasks; ``stage`` and ``mine``
    (cases the user opened) narrow the list.
    """
    from workflows.models import OPEN_TASK_STATUSES

    qs = cases_visible_to(user).select_related(
        "beneficiary", "region", "ppks_category", "opened_by"
    )
    if stage:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(opened_by=user)
    qs = qs.annotate(
        next_due=Min(
            "work_items__due_at",
            filter=Q(work_items__task__status__in=OPEN_TASK_STATUSES),
        )
    )
    return search_cases(qs, q).order_by("-opened_at", "-pk")


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


def intake_duplicate_candidates(user, data) -> list[Person]:
    """People the officer should consider before a new record is made for ``data``.

    Empty when the officer already picked a record or the NIK is registered (it links), and
    for a village outside the officer's area (its people are not theirs to see).
    ``data`` is a ``cases.services.PersonInput``.
    """
    if data.existing_person_id or not (data.full_name and data.birth_date and data.region_code):
        return []
    if not may_register_in(user, data.region_code):
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
    for area in areas_of(user, INTAKE_ROLES):
        scope |= Q(code=area) | Q(code__startswith=area + ".")
    return Region.objects.filter(scope, level="village").order_by("name")


def can_open_cases(user) -> bool:
    return bool(roles_of(user) & INTAKE_ROLES)


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


def case_etag(case: Case) -> str:
    """The ETag of the case as stored now: ``'"<case pk>-<latest history id>"'``.

    Every save of a case writes a history row, so the ETag changes with each edit. The API
    sends it with a case and ``update_case`` compares ``If-Match`` to it under the row lock.
    """
    latest = case.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return f'"{case.pk}-{latest}"'


def sees_whole_case(user, case: Case) -> bool:
    """Case team sees everything on the case (``is_on_case_team``); agency staff see only
    what their own referral needs."""
    return is_on_case_team(user, case)


def document_checklist(case: Case, attachments: list | None = None) -> list[dict]:
    """Kelengkapan berkas: each document the requested or referred services need, which
    services need it, and the attachments that provide it (one row per document type)."""
    from agencies.models import Service
    from referrals.models import Referral

    if attachments is None:
        attachments = list(case.attachments.filter(document_type__isnull=False))
    service_ids = Case.requested_services.through.objects.filter(case=case).values("service_id")
    links = (
        Service.required_documents.through.objects.filter(
            Q(service__in=service_ids)
            | Q(service__in=Referral.objects.filter(case=case).values("service_id"))
        )
        .select_related("documenttype", "service")
        .order_by("documenttype__name", "service__name")
        .distinct()
    )
    rows: dict[int, dict] = {}
    for link in links:
        row = rows.setdefault(
            link.documenttype_id,
            {"document_type": link.documenttype, "services": [], "attachments": []},
        )
        if link.service.name not in row["services"]:
            row["services"].append(link.service.name)
    for attachment in attachments:
        if attachment.document_type_id in rows:
            rows[attachment.document_type_id]["attachments"].append(attachment)
    return list(rows.values())


def case_page(user, case: Case) -> dict:
    """Everything the case page shows besides tasks, in a fixed number of queries."""
    whole = sees_whole_case(user, case)
    referrals = referrals_visible_to(user).filter(case=case)
    referrals = referrals.select_related("service", "agency", "delivery", "sent_by")
    shares_sensitive = any(r.service.shares_sensitive_category for r in referrals)
    return {
        "show_category": whole or not case.ppks_category.is_sensitive or shares_sensitive,
        "registry_status_label": RegistryStatus(
            (case.registry_findings or {}).get("registry_status", RegistryStatus.UNKNOWN)
        ).label,
        "whole_case": whole,
        "referrals": list(referrals.order_by("sent_at")),
        "visits": list(case.visits.select_related("visited_by").prefetch_related("photos"))
        if whole
        else [],
        "follow_ups": list(case.follow_ups.select_related("recorded_by")) if whole else [],
        "notes": list(case.notes.select_related("author")) if whole else [],
        **(_documents(case) if whole else {"documents": [], "checklist": []}),
    }


def _documents(case: Case) -> dict:
    documents = list(
        case.attachments.filter(visit__isnull=True)
        .select_related("document_type", "uploaded_by")
        .order_by("uploaded_at")
    )
    return {"documents": documents, "checklist": document_checklist(case, documents)}


def people_visible_to(user) -> QuerySet[Person]:
    """People on the cases of the user's own team (agencies see people only on a case page)."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    cases = Case.objects.filter(case_team_q(user))
    return Person.objects.filter(
        Q(pk__in=cases.values("applicant_id")) | Q(pk__in=cases.values("beneficiary_id"))
    )


def is_supervisor_for(user, region_code: str) -> bool:
    return covers(user, region_code, {Role.SUPERVISOR})


def person_export(person: Person) -> dict:
    """Everything held about one person, and who accessed it (data-subject access request)."""
    from referrals.models import Delivery

    from .models import AccessLog

    def who(user):
        return user.get_username() if user else None

    cases = Case.objects.filter(Q(applicant=person) | Q(beneficiary=person)).select_related(
        "ppks_category", "opened_by"
    )
    return {
        "person": {
            "nik": person.nik,
            "full_name": person.full_name,
            "birth_place": person.birth_place,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "sex": person.sex,
            "phone": person.phone,
            "region_code": person.region_id,
            "rt": person.rt,
            "rw": person.rw,
            "street": person.street,
            "life_status": person.life_status,
            "family": {
                "kk_number": person.family.kk_number,
                "relationship": person.relationship,
                "registry_status": person.family.registry_status,
                "decile": person.family.decile,
                "registry_as_of": str(person.family.registry_as_of or ""),
                "registry_source": person.family.registry_source,
            }
            if person.family
            else None,
        },
        "changes": [
            {"at": h.history_date.isoformat(), "by": who(h.history_user), "type": h.history_type}
            for h in person.history.select_related("history_user")
        ],
        "cases": [
            {
                "number": c.number,
                "role": "beneficiary" if c.beneficiary_id == person.pk else "applicant",
                "kind": c.kind,
                "category": c.ppks_category.name,
                "description": c.description,
                "stage": c.stage,
                "status": c.status,
                "outcome": c.outcome,
                "opened_at": c.opened_at.isoformat(),
                "opened_by": who(c.opened_by),
            }
            for c in cases
        ],
        "deliveries": [
            {
                "service": d.service.name,
                "delivered_at": d.delivered_at.isoformat(),
                "channel": d.channel,
                "amount": str(d.amount) if d.amount is not None else None,
                "items": d.items,
            }
            for d in Delivery.objects.filter(person=person).select_related("service")
        ],
        "accesses": [
            {
                "at": a.at.isoformat(),
                "by": who(a.user),
                "action": a.action,
                "route": a.route,
                "case": a.case.number if a.case else None,
            }
            for a in AccessLog.objects.filter(Q(person=person) | Q(case__in=cases))
            .select_related("user", "case")
            .order_by("at")
        ],
    }


def may_register_in(user, region_code: str) -> bool:
    """Whether ``user`` may open a case for someone living in ``region_code``."""
    return covers(user, region_code, INTAKE_ROLES)


def may_pick_person(user, person: Person) -> bool:
    """Whether ``user`` may link a case to this registered person by picking the record:
    someone living in their intake area, or already on their team's cases."""
    return may_register_in(user, person.region_id) or (
        people_visible_to(user).filter(pk=person.pk).exists()
    )


def may_use_family(user, family: Family) -> bool:
    """Whether ``user`` may file someone on this family card: each member lives in their
    intake area or is on their team's cases (a card with no members yet is free)."""
    members = list(family.members.only("pk", "region_id"))
    outside = [m.pk for m in members if not may_register_in(user, m.region_id)]
    return not outside or people_visible_to(user).filter(pk__in=outside).count() == len(outside)


def family_members_for(user, person: Person) -> QuerySet[Person]:
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


def downloadable_attachment(user, pk: int):
    """An attachment the user may download, or None: the case team gets every file; an
    agency only the documents its own referral's service requires (KTP, KK, SKTM, ...)
    and the delivery proof of its own referral. One query, whether the file is missing,
    out of scope or not the agency's to open (the answer and its timing are the same)."""
    from django.db.models import Exists, OuterRef

    from .models import Attachment, AttachmentKind

    referrals = referrals_visible_to(user)
    team = Q(case__in=Case.objects.filter(case_team_q(user)).values("pk"))
    required = Q(document_type__isnull=False) & Exists(
        referrals.filter(
            case=OuterRef("case"), service__required_documents=OuterRef("document_type")
        )
    )
    proof = Q(kind=AttachmentKind.DELIVERY_PROOF) & Exists(
        referrals.filter(delivery__proof=OuterRef("pk"))
    )
    return (
        Attachment.objects.filter(case__in=cases_visible_to(user))
        .filter(team | required | proof)
        .select_related("case")
        .filter(pk=pk)
        .first()
    )
