"""Demo cases moved along their flows through the real task actions, then aged."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, Membership, Role
from cases.models import Case
from core.types import Actor
from referrals.models import Referral
from web.demo.data import BANGKA_TENGAH, KOBA
from workflows import services as wf
from workflows.deadlines import deadline_for
from workflows.models import WorkItem


def _agency_user(agency: Agency | None, role: str) -> Actor:
    """The first active member of ``agency`` with ``role`` (by membership id)."""
    member = (
        Membership.objects.filter(agency=agency, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user


def _task(case: Case, kind: str) -> WorkItem:
    """The open task of ``kind`` on ``case``."""
    return WorkItem.objects.open().get(case=case, kind=kind)


def _when(case: Case, hours: int) -> dt.datetime:
    """``hours`` after the case was opened, but never in the future."""
    # Services refuse event times before the case was opened or after now.
    return min(case.opened_at + dt.timedelta(hours=hours), timezone.now())


def _close(case: Case, users: dict[str, Actor]) -> None:
    """The manager closes ``case`` at its closure task."""
    wf.complete_closure(actor=users["manajer"], task_id=_task(case, "closure").pk, decision="close")


def _advance_complaint(case: Case, step: int, rng: random.Random, users: dict[str, Actor]) -> None:
    """Move a complaint or information request ``step`` (0-3) steps: handled, answered, closed."""
    if step >= 1:
        wf.complete_handling(
            actor=users["backoffice"],
            task_id=_task(case, "handling").pk,
            note="Dicek ke SIKS-NG dan dikoordinasikan dengan pendamping PKH.",
        )
    if step >= 2:
        wf.complete_response(
            actor=users["backoffice"],
            task_id=_task(case, "response").pk,
            response="Sudah kami tindak lanjuti; bantuan akan cair pada tahap berikutnya.",
            channel=rng.choice(["phone", "walk_in"]),
        )
    if step >= 3:
        _close(case, users)


def _verify(case: Case, eligible: bool, rng: random.Random, social_worker: Actor) -> None:
    """The social worker's home visit finds the family eligible or not."""
    wf.complete_verification(
        actor=social_worker,
        task_id=_task(case, "verification").pk,
        visited_at=_when(case, 30),
        findings=rng.choice(
            [
                "Rumah semi permanen, dinding papan, atap seng bocor. Penghasilan tidak tetap.",
                "Tinggal bersama anak dan cucu; kepala keluarga buruh harian tambang timah.",
                "Lansia sakit menahun, tidak mampu bekerja; makan dibantu tetangga.",
            ]
        )
        if eligible
        else "Keluarga memiliki usaha warung dan kendaraan roda empat.",
        household_conditions=f"{rng.randint(2, 7)} anggota keluarga",
        recommendation="eligible" if eligible else "not_eligible",
    )


def _assess(case: Case, step: int, users: dict[str, Actor], *, decided: bool = True) -> None:
    """Assess a verified case: resolved locally and closed (step 3) or recommended for
    referral (step 4+) and, unless ``decided`` is False, decided by the manager (penetapan
    layanan) where the office keeps that step."""
    if step == 3:
        wf.complete_assessment(
            actor=users["backoffice"],
            task_id=_task(case, "assessment").pk,
            resolution="resolved_locally",
            note="Diselesaikan oleh Puskesos bersama pemerintah desa.",
        )
        _close(case, users)
        return
    services = [s.code for s in case.requested_services.all()] or ["baznas"]
    wf.complete_assessment(
        actor=users["backoffice"],
        task_id=_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": code, "note": "Mohon ditindaklanjuti."} for code in services[:1]],
    )
    decision = WorkItem.objects.open().filter(case=case, kind="service_decision").first()
    if decision is not None and decided:
        wf.decide_services(actor=users["manajer"], task_id=decision.pk, decision="approve")


def _serve_referral(
    case: Case, step: int, rng: random.Random, users: dict[str, Actor], social_worker: Actor
) -> None:
    """Take a referred case from the agency's review (step 5) to served and closed (step 8)."""
    review = _task(case, "referral_review")
    wf.review_referral(
        actor=_agency_user(review.agency, Role.AGENCY_STAFF), task_id=review.pk, decision="accept"
    )
    if step == 5:
        return
    approval = _task(case, "approval")
    wf.decide_approval(
        actor=_agency_user(approval.agency, Role.AGENCY_APPROVER),
        task_id=approval.pk,
        decision="approve",
    )
    if step == 6:
        return
    delivery = _task(case, "delivery")
    wf.record_delivery(
        actor=_agency_user(delivery.agency, Role.AGENCY_STAFF),
        task_id=delivery.pk,
        # The agency accepted the referral just now (the demo runs the services today), and
        # a delivery cannot be dated before its referral was accepted.
        delivered_at=timezone.now(),
        channel="in_kind",
        items="Sesuai program",
        amount=rng.choice([None, 300000, 600000, 1250000]),
    )
    if step == 7:
        return
    wf.complete_follow_up(
        actor=social_worker,
        task_id=_task(case, "follow_up").pk,
        contacted_at=_when(case, 24 * 14),
        outcome="improved",
        note="Kondisi keluarga membaik.",
    )
    _close(case, users)


def _advance_service_request(
    case: Case, step: int, rng: random.Random, users: dict[str, Actor]
) -> None:
    """Move a service request ``step`` (0-8) steps along its flow."""
    # step: 0 verification, 1 not eligible & closed, 2 assessment, 3 resolved locally & closed,
    # 4 service decision or referral review, 5 approval, 6 delivery, 7 follow-up,
    # 8 served & closed.
    if step == 0:
        return
    social_worker = users["peksos" if case.region_id.startswith(KOBA + ".") else "peksos.bateng"]
    _verify(case, step != 1, rng, social_worker)
    if step == 1:
        _close(case, users)
        return
    if step == 2:
        return
    # A third of the cases at step 4 wait for the manager's decision on the services.
    _assess(case, step, users, decided=step > 4 or rng.random() > 0.33)
    if step >= 5:
        _serve_referral(case, step, rng, users, social_worker)


def _advance(case: Case, step: int, rng: random.Random) -> None:
    """Move one demo case ``step`` steps along its flow, through the real services."""
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["peksos", "peksos.bateng", "backoffice", "manajer"]
        )
    }
    if case.kind != "service_request":
        _advance_complaint(case, step, rng, users)
    else:
        _advance_service_request(case, step, rng, users)


def _age_open_tasks(rng: random.Random) -> None:
    """Date the open demo tasks back a little, so some are at risk and some overdue.

    Each task is taken to have started up to 1.4 times its allowed time ago (never before
    its case was opened): about a quarter end up overdue, a sixth at risk.
    """

    now = timezone.now()
    for item in WorkItem.objects.open().select_related("case", "referral__service"):
        service = item.referral.service if item.referral else None
        tier = item.case.complaint_tier if item.case.kind != "service_request" else ""
        allowed = (
            deadline_for(
                item.kind,
                start=now,
                region=item.region_id,
                service=service,
                agency=item.agency,
                tier=tier,
            ).due_at
            - now
        )
        start = max(item.case.opened_at, now - allowed * rng.uniform(0, 1.4))
        deadline = deadline_for(
            item.kind,
            start=start,
            region=item.region_id,
            service=service,
            agency=item.agency,
            tier=tier,
        )
        WorkItem.objects.filter(pk=item.pk).update(
            created_at=start, due_at=deadline.due_at, at_risk_at=deadline.at_risk_at
        )
        if item.kind == "referral_review":
            Referral.objects.filter(pk=item.referral_id).update(
                sent_at=start, due_at=deadline.due_at, at_risk_at=deadline.at_risk_at
            )


def _date_finished_work(rng: random.Random) -> None:
    """Spread what the flows just finished over each closed case's life instead of the load's
    few seconds, so the dashboard's weeks, the monthly recap and the agency KPIs read like an
    office's: each closed case took 4 to 45 days (never past now); its referrals were sent,
    answered and delivered within that span, in that order."""
    now = timezone.now() - dt.timedelta(hours=1)
    closed = Case.objects.filter(
        region__code__startswith=BANGKA_TENGAH + ".", closed_at__isnull=False
    )
    for case in closed.order_by("pk"):
        span = min(now - case.opened_at, dt.timedelta(days=rng.uniform(4, 45)))
        Case.objects.filter(pk=case.pk).update(closed_at=case.opened_at + span)
        for referral in Referral.objects.filter(case=case).select_related("delivery"):
            sent = case.opened_at + span * rng.uniform(0.15, 0.3)
            answered = sent + span * rng.uniform(0.05, 0.4)
            # The answer deadline keeps its length (the service's working days) from the new
            # sending time: some answers now come late, as in an office.
            dates = {
                "sent_at": sent,
                "due_at": sent + (referral.due_at - referral.sent_at),
                "at_risk_at": sent + (referral.at_risk_at - referral.sent_at),
            }
            if referral.accepted_at:
                dates["accepted_at"] = answered
            if referral.ended_at:
                dates["ended_at"] = answered + span * rng.uniform(0.1, 0.3)
            Referral.objects.filter(pk=referral.pk).update(**dates)
            delivery = getattr(referral, "delivery", None)
            if delivery is not None:
                type(delivery).objects.filter(pk=delivery.pk).update(
                    delivered_at=dates.get("ended_at", answered)
                )


def advance_cases(seed: int = 7) -> None:
    """Spread the demo cases over every stage: the older ones closed, the newer ones open."""
    rng = random.Random(seed)
    cases = list(
        Case.objects.filter(region__code__startswith=BANGKA_TENGAH + ".").order_by("opened_at")
    )
    for index, case in enumerate(cases):
        old = index < len(cases) * 0.4
        if case.kind == "service_request":
            step = rng.choice([1, 3, 8, 8, 8]) if old else rng.choice([0, 0, 2, 2, 4, 5, 6, 7])
        else:
            step = 3 if old else rng.randint(0, 2)
        _advance(case, step, rng)
    _date_finished_work(rng)
    _age_open_tasks(rng)
