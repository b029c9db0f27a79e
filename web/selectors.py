"""Reads that merge several apps for the pages and the API: the case list with its tasks'
deadlines, the case page, the referral page with its open tasks, a person's data export.
Each starts from the apps' own scope rules (``cases_visible_to``, ``referrals_visible_to``),
never restates them."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from agencies.models import Agency, Service
from cases.models import AccessLog, Case, NoteKind, Person, RegistryStatus, Stage
from cases.selectors import cases_visible_to, records_merged_into, search_cases, sees_whole_case
from core.types import Viewer
from referrals.models import Delivery, Referral
from referrals.selectors import (
    current_registry_findings,
    document_checklist,
    inactive_people_of,
    latest_visit,
    letter_number,
    referrals_visible_to,
    referring_office,
    required_documents,
)
from workflows.models import OPEN_TASK_STATUSES, CaseProcess, ServiceDecision, WorkItem


def case_list(user: Viewer, *, q: str = "", stage: str = "", mine: bool = False) -> QuerySet[Case]:
    """The case list page's rows: visible cases with what a row shows, newest first.

    ``next_due`` is the nearest deadline among the case's open tasks; ``stage`` and ``mine``
    (cases the user opened) narrow the list.
    """

    qs = cases_visible_to(user).select_related(
        "beneficiary", "region", "ppks_category", "opened_by"
    )
    if stage:
        qs = qs.filter(stage=stage)
    if mine:
        qs = qs.filter(opened_by=user.pk)
    # A subquery per row shown, not an aggregate: GROUP BY would make PostgreSQL aggregate
    # every visible case before it could sort by an index and take one page.
    nearest = (
        WorkItem.objects.filter(case=OuterRef("pk"), task__status__in=OPEN_TASK_STATUSES)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    qs = qs.annotate(next_due=Subquery(nearest))
    return search_cases(qs, q).order_by("-opened_at", "-pk")


def case_page(user: Viewer, case: Case) -> dict:
    """Everything the case page shows besides tasks, in a fixed number of queries."""
    whole = sees_whole_case(user, case)
    referrals = referrals_visible_to(user).filter(case=case)
    referrals = referrals.select_related("service", "agency", "delivery", "sent_by", "beneficiary")
    registry = current_registry_findings(case)
    return {
        "show_category": shows_category(case, whole=whole, referrals=list(referrals)),
        "registry": registry,
        "inactive_people": inactive_people_of(case) if whole else [],
        "registry_status_label": RegistryStatus(
            registry.get("registry_status", RegistryStatus.UNKNOWN)
        ).label,
        "whole_case": whole,
        "referrals": list(referrals.order_by("sent_at")),
        "visits": list(case.visits.select_related("visited_by").prefetch_related("photos"))
        if whole
        else [],
        "follow_ups": list(case.follow_ups.select_related("recorded_by")) if whole else [],
        "notes": list(case.notes.select_related("author")) if whole else [],
        **(_service_decision(case) if whole else {}),
        **(
            _documents(case)
            if whole
            else {"documents": [], "checklist": [], "missing_documents": []}
        ),
    }


def shows_category(case: Case, *, whole: bool, referrals: list[Referral]) -> bool:
    """Whether the case's PPKS category is shown (page, API, printouts): to the case team
    (``whole``), when it is not a sensitive one, and to an agency whose referred service
    needs it (``referrals``: the ones the reader sees, services loaded)."""
    return (
        whole
        or not (case.ppks_category and case.ppks_category.is_sensitive)
        or any(r.service.shares_sensitive_category for r in referrals)
    )


def _service_decision(case: Case) -> dict:
    """While the services wait for the manager (penetapan layanan): the recommendation as
    rows (service, agency, receiver, note). Back at assessment after the manager returned
    it: the manager's reason. Nothing (no query) at any other stage."""
    if case.stage not in (Stage.ASSESSMENT, Stage.SERVICE_DECISION) or case.process_id is None:
        return {}
    process = CaseProcess.objects.get(pk=case.process_id)
    if case.stage == Stage.ASSESSMENT:
        if process.service_decision != ServiceDecision.RETURN:
            return {}
        note = case.notes.filter(kind=NoteKind.SERVICE_DECISION).order_by("-created_at").first()
        return {"returned_by_manager": note}
    specs = list(process.recommended_referrals)
    services = Service.objects.in_bulk([s["service"] for s in specs], field_name="code")
    agencies = Agency.objects.in_bulk([s["agency"] for s in specs], field_name="code")
    people = Person.objects.only("full_name").in_bulk([s["beneficiary"] for s in specs])
    return {
        "recommendation": [
            {
                "service": services.get(spec["service"]),
                "agency": agencies.get(spec["agency"]),
                "receiver": people.get(spec["beneficiary"]),
                "note": spec.get("note", ""),
            }
            for spec in specs
        ]
    }


def _documents(case: Case) -> dict:
    documents = list(
        case.attachments.filter(visit__isnull=True)
        .select_related("document_type", "uploaded_by")
        .order_by("uploaded_at")
    )
    checklist = document_checklist(case, documents)
    return {
        "documents": documents,
        "checklist": checklist,
        # Live, unlike the intake's notes: uploading a missing document removes it here.
        "missing_documents": [
            row["document_type"].display_name for row in checklist if not row["attachments"]
        ],
    }


def person_export(person: Person) -> dict:
    """Everything held about one person, and who accessed it (data-subject access request,
    UU 27/2022 on personal data protection, art. 7): ``{"person", "merged_records",
    "changes", "cases", "deliveries", "accesses"}``, JSON-ready (ISO dates, usernames).
    Records merged into this one (duplicates) are theirs too: listed, with their accesses."""
    cases = Case.objects.filter(Q(applicant=person) | Q(beneficiary=person)).select_related(
        "ppks_category", "opened_by"
    )
    merged = records_merged_into(person)
    accesses = (
        AccessLog.objects.filter(
            Q(person=person) | Q(person__in=[m.pk for m in merged]) | Q(case__in=cases)
        )
        .select_related("user", "case")
        .order_by("at")
    )
    return {
        "person": _person_record(person),
        "merged_records": [_person_record(m) for m in merged],
        "changes": [
            {
                "at": h.history_date.isoformat(),
                "by": _username(h.history_user),
                "type": h.history_type,
            }
            for h in person.history.select_related("history_user")
        ],
        "cases": [_case_record(case, person) for case in cases],
        "deliveries": [
            {
                "service": d.service.display_name,
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
                "by": _username(a.user),
                "action": a.action,
                "route": a.route,
                "case": a.case.number if a.case else None,
            }
            for a in accesses
        ],
    }


def _username(user: Viewer | None) -> str | None:
    return user.get_username() if user else None


def _person_record(person: Person) -> dict:
    """The person's own data and their family card's, NIK and KK in full (it is theirs)."""
    family = person.family
    return {
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
            "kk_number": family.kk_number,
            "relationship": person.relationship,
            "registry_status": family.registry_status,
            "decile": family.decile,
            "registry_as_of": str(family.registry_as_of or ""),
            "registry_source": family.registry_source,
        }
        if family
        else None,
    }


def _case_record(case: Case, person: Person) -> dict:
    return {
        "number": case.number,
        "role": "beneficiary" if case.beneficiary_id == person.pk else "applicant",
        "kind": case.kind,
        "category": case.ppks_category.display_name if case.ppks_category else None,
        "description": case.description,
        "stage": case.stage,
        "status": case.status,
        "outcome": case.outcome,
        "opened_at": case.opened_at.isoformat(),
        "opened_by": _username(case.opened_by),
    }


def referral_page(user: Viewer, referral: Referral, now: dt.datetime | None = None) -> dict:
    """Everything the referral page shows besides the referral itself, in constant queries.

    Only what the referral needs: the agency gets no visit findings, notes or other
    referrals; of the attachments, only the documents the service requires.
    """

    now = now or timezone.now()
    whole = sees_whole_case(user, referral.case)
    tasks = list(
        WorkItem.objects.open()
        .filter(referral=referral)
        .select_related("task__owner")
        .order_by("due_at")
    )
    return {
        "whole_case": whole,
        "letter_number": letter_number(referral),
        "office": referring_office(referral),
        # The agency needs the papers its service requires: those files it may open.
        "documents": required_documents(referral, with_files=True),
        "visit": latest_visit(referral),
        "tasks": [
            {
                "item": item,
                "overdue": item.due_at < now,
                "at_risk": item.at_risk_at <= now <= item.due_at,
            }
            for item in tasks
        ],
        "overdue": not referral.is_ended and referral.due_at < now,
        "at_risk": not referral.is_ended and referral.at_risk_at <= now <= referral.due_at,
        "now": now,
    }
