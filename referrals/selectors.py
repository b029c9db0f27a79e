"""Reads on referrals, scoped by ``referrals_visible_to`` (the one rule of which referrals a
user sees), and what follows from them: the documents a referred service needs and who may
download them, aid already delivered (the double-aid data) and the registry check."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Membership, Office, OfficeKind, Role, Service, region_and_ancestors
from agencies.selectors import agencies_of
from cases.models import (
    Attachment,
    AttachmentKind,
    Case,
    CaseStatus,
    HomeVisit,
    LifeStatus,
    Person,
    RegistryImport,
)
from cases.selectors import case_team_q, cases_visible_to, open_cases_of
from core.types import Viewer

from .models import CODE_LENGTH, Delivery, Referral, ReferralStatus, aid_period_key

# People who should receive nothing new until someone has looked (issue 14).
INACTIVE_STATUSES = [status for status in LifeStatus.values if status != LifeStatus.ACTIVE]

# A letter for a referral in one of these states no longer stands.
WITHDRAWN_STATUSES = (ReferralStatus.REJECTED, ReferralStatus.DECLINED, ReferralStatus.REVOKED)

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def referral_detail(user: Viewer, pk: int) -> Referral:
    """One referral the user may see, with what its page and letter show; raises
    Referral.DoesNotExist otherwise (the pages answer 404, so existence does not leak)."""
    return (
        referrals_visible_to(user)
        .select_related(
            "case__beneficiary__region__parent__parent",
            "beneficiary__region__parent__parent",
            "case__region",
            "service",
            "agency__regency",
            "sent_by",
            "delivery",
        )
        .get(pk=pk)
    )


def letter_number(referral: Referral) -> str:
    """Nomor surat: stable for a referral (its id, case number, month and year sent)."""
    sent = timezone.localtime(referral.sent_at)
    return (
        f"{referral.pk:04d}/RUJ/{referral.case.number}/{ROMAN_MONTHS[sent.month - 1]}/{sent.year}"
    )


def sender_role(referral: Referral) -> str:
    """What the sender signs as when the office has no signing official configured: the
    label of their office role (e.g. "Penyelia / manajer"), "Petugas" without one."""
    roles = (
        Membership.objects.active()
        .filter(user_id=referral.sent_by_id, office__isnull=False)
        .order_by("pk")
        .values_list("role", flat=True)
    )
    role = next(iter(roles), None)
    return str(Role(role).label) if role else str(_("Petugas"))


def letter_status(code: str) -> dict | None:
    """What the public letter check may say about the letter with verification ``code``
    (typed with or without dashes, any case): its number, when it was sent, from which
    office to which agency for which service, and whether it is current (``current``: the
    referral is not rejected, declined or revoked, and ``status`` says how it stands). None
    when no letter has that code. No personal data: no names, NIK or address."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(normalised) != CODE_LENGTH:
        return None
    referral = (
        Referral.objects.select_related("case", "service", "agency")
        .filter(verification_code=normalised)
        .first()
    )
    if referral is None:
        return None
    office = referring_office(referral)
    return {
        "number": letter_number(referral),
        "sent_at": referral.sent_at,
        "office": office.name if office else "",
        "agency": referral.agency.name,
        "service": referral.service.name,  # as printed on the letter
        "status": referral.get_status_display(),
        "current": referral.status not in WITHDRAWN_STATUSES,
        "ended_at": referral.ended_at,
    }


def referring_office(referral: Referral) -> Office | None:
    """The office the referral was sent from: the sender's office covering the case's
    village, else the regency's SLRT (one query)."""
    covering = region_and_ancestors(referral.case.region_id)
    offices = list(
        Office.objects.filter(area_id__in=covering)
        .annotate(
            of_sender=Exists(
                Membership.objects.filter(office=OuterRef("pk"), user_id=referral.sent_by_id)
            )
        )
        .select_related("area")
    )
    offices.sort(key=lambda o: (not o.of_sender, o.kind != OfficeKind.SLRT, -len(o.area_id), o.pk))
    if offices and (offices[0].of_sender or offices[0].kind == OfficeKind.SLRT):
        return offices[0]
    return None


def required_documents(referral: Referral, *, with_files: bool) -> list[dict]:
    """The service's required documents and the case attachments that provide each."""
    types = list(referral.service.required_documents.order_by("name"))
    attachments: dict[int, list[Attachment]] = {t.pk: [] for t in types}
    for attachment in Attachment.objects.filter(
        case_id=referral.case_id, document_type_id__in=list(attachments)
    ).order_by("uploaded_at"):
        if attachment.document_type_id is not None:
            attachments[attachment.document_type_id].append(attachment)
    return [
        {
            "document_type": t,
            "provided": bool(attachments[t.pk]),
            "attachments": attachments[t.pk] if with_files else [],
        }
        for t in types
    ]


def latest_visit(referral: Referral) -> HomeVisit | None:
    """The latest home visit of the case: the letter and page show only its verdict."""
    return HomeVisit.objects.filter(case_id=referral.case_id).order_by("-visited_at").first()


def delivered_referrals(case: Case) -> QuerySet[Referral]:
    """The case's referrals whose aid was delivered (any round)."""
    return Referral.objects.filter(case=case, status=ReferralStatus.DELIVERED)


def referrals_visible_to(user: Viewer) -> QuerySet[Referral]:
    """Referrals ``user`` may see: all on their team's cases; their own agency's otherwise.

    A revoked referral is gone for its agency (it was withdrawn before the agency served
    it); an ended one (delivered, rejected, declined) stays readable for the agency.
    """

    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    team_cases = Case.objects.filter(case_team_q(user)).values("pk")
    agency_ids = [agency.pk for agency in agencies_of(user)]
    return Referral.objects.filter(
        Q(case_id__in=team_cases)
        | (Q(agency_id__in=agency_ids) & ~Q(status=ReferralStatus.REVOKED))
    )


def prior_aid(person: Person, *, aid_types: set[str], on: dt.date) -> list[dict]:
    """Aid of these types already delivered to ``person`` in the period containing ``on``."""

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
                    "service": delivery.service.display_name,
                    "aid_type": delivery.aid_type,
                    "period": delivery.period,
                    "agency": delivery.referral.agency.name,
                    "delivered_at": delivery.delivered_at.date().isoformat(),
                }
            )
    return found


def registry_findings(case: Case) -> dict:
    """The registry check: DTKS/DTSEN status and decile, open cases, aid already received."""

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


def current_registry_findings(case: Case) -> dict:
    """The case's registry findings, with the DTKS/DTSEN status, decile, date and source
    read from the beneficiary's family card as it stands now: a registry check recorded
    after intake shows on the case as on the card, so the two never disagree. The open
    cases and aid found at intake stay as found then (``registry_findings``). No query when
    the case was loaded with ``beneficiary__family``."""
    findings = dict(case.registry_findings or {})
    family = case.beneficiary.family
    if family is not None:
        findings.update(
            registry_status=family.registry_status,
            decile=family.decile,
            as_of=family.registry_as_of.isoformat() if family.registry_as_of else None,
            source=family.registry_source,
        )
    return findings


def document_checklist(case: Case, attachments: list | None = None) -> list[dict]:
    """Kelengkapan berkas: each document the requested or referred services need, which
    services need it, and the attachments that provide it (one row per document type)."""

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
        if link.service.display_name not in row["services"]:
            row["services"].append(link.service.display_name)
    for attachment in attachments:
        if attachment.document_type_id in rows:
            rows[attachment.document_type_id]["attachments"].append(attachment)
    return list(rows.values())


def downloadable_attachment(user: Viewer, pk: int) -> Attachment | None:
    """An attachment the user may download, or None: the case team gets every file; an
    agency only the documents its own referral's service requires (KTP, KK, SKTM, ...)
    and the delivery proof of its own referral. One query, whether the file is missing,
    out of scope or not the agency's to open (the answer and its timing are the same)."""
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


# A referral whose aid has not gone out yet.
PENDING_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPROVED)


def cases_needing_validation(user: Viewer) -> QuerySet[Case]:
    """Perlu validasi: the open cases of the user's case team whose beneficiary, or the
    receiver of a referral not yet delivered, is no longer active (deceased, moved, not
    found, no longer eligible), most recent status change first. The registry must not
    pay the dead or the departed (``domain.md`` section 3)."""
    if not user.is_authenticated:
        return Case.objects.none()
    inactive = Q(beneficiary__life_status__in=INACTIVE_STATUSES) | Q(
        referrals__status__in=PENDING_STATUSES,
        referrals__beneficiary__life_status__in=INACTIVE_STATUSES,
    )
    return (
        Case.objects.filter(case_team_q(user), status=CaseStatus.OPEN)
        .filter(inactive)
        .distinct()
        .select_related("beneficiary", "region")
        .order_by(F("beneficiary__life_status_date").desc(nulls_last=True), "-pk")
    )


def inactive_people_of(case: Case) -> list[dict]:
    """On a case: the beneficiary and the receivers of its referrals not yet delivered who
    are no longer active, each with the referrals that wait for them (one query)."""
    people: dict[int, dict] = {}
    if case.beneficiary.life_status in INACTIVE_STATUSES:
        people[case.beneficiary_id] = {"person": case.beneficiary, "referrals": []}
    pending = Referral.objects.filter(
        case=case,
        status__in=PENDING_STATUSES,
        beneficiary__life_status__in=INACTIVE_STATUSES,
    ).select_related("beneficiary", "service")
    for referral in pending:
        receiver = referral.receiver
        people.setdefault(receiver.pk, {"person": receiver, "referrals": []})
        people[receiver.pk]["referrals"].append(referral)
    return list(people.values())


def people_needing_validation(user: Viewer) -> QuerySet[Person]:
    """The people behind :func:`cases_needing_validation`, by the same rule read per
    person: each no longer active beneficiary of such a case, or receiver of its referral
    not yet delivered (the data quality page counts the deceased among them)."""
    cases = cases_needing_validation(user)
    pending = Referral.objects.filter(case__in=cases.values("pk"), status__in=PENDING_STATUSES)
    return Person.objects.filter(
        Q(pk__in=cases.values("beneficiary_id")) | Q(pk__in=pending.values("beneficiary_id")),
        life_status__in=INACTIVE_STATUSES,
    )


def cases_affected_by_import(user: Viewer, registry_import: RegistryImport) -> QuerySet[Case]:
    """The open cases of ``user``'s case team that a death list import touches: their
    beneficiary, or the receiver of a referral not yet delivered (a delivery pending), is
    one of the people the import marked deceased (``RegistryImport.people_marked``)."""
    if not user.is_authenticated:
        return Case.objects.none()
    marked = registry_import.people_marked.values("pk")
    touched = Q(beneficiary__in=marked) | Q(
        referrals__status__in=PENDING_STATUSES, referrals__beneficiary__in=marked
    )
    return (
        Case.objects.filter(case_team_q(user), status=CaseStatus.OPEN)
        .filter(touched)
        .distinct()
        .select_related("beneficiary", "region")
        .order_by("-pk")
    )
