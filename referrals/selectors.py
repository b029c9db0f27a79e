"""Reads for the referral page and the referral letter, scoped by ``referrals_visible_to``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from agencies.models import Membership, Office, OfficeKind
from cases.models import Attachment, HomeVisit
from cases.selectors import referrals_visible_to, sees_whole_case

from .models import Referral

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def referral_detail(user, pk: int) -> Referral:
    """One referral the user may see, with what its page and letter show; raises
    Referral.DoesNotExist otherwise (the pages answer 404, so existence does not leak)."""
    return (
        referrals_visible_to(user)
        .select_related(
            "case__beneficiary__region__parent__parent",
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


def referring_office(referral: Referral) -> Office | None:
    """The office the referral was sent from: the sender's office covering the case's
    village, else the regency's SLRT (one query)."""
    parts = referral.case.region_id.split(".")
    covering = [".".join(parts[: i + 1]) for i in range(len(parts))]
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


def referral_page(user, referral: Referral, now: dt.datetime | None = None) -> dict:
    """Everything the referral page shows besides the referral itself, in constant queries.

    Only what the referral needs: the agency gets no visit findings, notes or other
    referrals; of the attachments, only the documents the service requires.
    """
    from workflows.models import WorkItem

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
