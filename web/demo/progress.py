"""Demo cases moved along their flows through the real task actions, then aged."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Membership, Role
from cases.models import Case
from referrals.models import Referral
from web.demo.data import BANGKA_TENGAH, KOBA
from workflows import services as wf
from workflows.deadlines import deadline_for
from workflows.models import WorkItem


def _agency_user(agency, role: str):
    member = (
        Membership.objects.filter(agency=agency, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user


def _advance(case: Case, step: int, rng: random.Random) -> None:
    """Move one demo case ``step`` steps along its flow, through the real services."""

    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["peksos", "peksos.bateng", "backoffice", "manajer"]
        )
    }
    social_worker = users["peksos" if case.region_id.startswith(KOBA + ".") else "peksos.bateng"]

    def task(kind):
        return WorkItem.objects.open().get(case=case, kind=kind)

    def when(hours):
        # ``hours`` after the case was opened, but never in the future (services refuse
        # event times before the case was opened or after now).
        return min(case.opened_at + dt.timedelta(hours=hours), timezone.now())

    if case.kind != "service_request":
        steps = [
            lambda: wf.complete_handling(
                actor=users["backoffice"],
                task_id=task("handling").pk,
                note="Dicek ke SIKS-NG dan dikoordinasikan dengan pendamping PKH.",
            ),
            lambda: wf.complete_response(
                actor=users["backoffice"],
                task_id=task("response").pk,
                response="Sudah kami tindak lanjuti; bantuan akan cair pada tahap berikutnya.",
                channel=rng.choice(["phone", "walk_in"]),
            ),
            lambda: wf.complete_closure(
                actor=users["manajer"], task_id=task("closure").pk, decision="close"
            ),
        ]
        for action in steps[:step]:
            action()
        return

    # step: 0 verification, 1 not eligible & closed, 2 assessment, 3 resolved locally & closed,
    # 4 referral review, 5 approval, 6 delivery, 7 follow-up, 8 served & closed.
    if step == 0:
        return
    eligible = step != 1
    wf.complete_verification(
        actor=social_worker,
        task_id=task("verification").pk,
        visited_at=when(30),
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
    if step == 1:
        wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")
        return
    if step == 2:
        return
    if step == 3:
        wf.complete_assessment(
            actor=users["backoffice"],
            task_id=task("assessment").pk,
            resolution="resolved_locally",
            note="Diselesaikan oleh Puskesos bersama pemerintah desa.",
        )
        wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")
        return
    services = [s.code for s in case.requested_services.all()] or ["baznas"]
    wf.complete_assessment(
        actor=users["backoffice"],
        task_id=task("assessment").pk,
        resolution="refer",
        referrals=[{"service": code, "note": "Mohon ditindaklanjuti."} for code in services[:1]],
    )
    if step == 4:
        return
    review = task("referral_review")
    wf.review_referral(
        actor=_agency_user(review.agency, Role.AGENCY_STAFF), task_id=review.pk, decision="accept"
    )
    if step == 5:
        return
    approval = task("approval")
    wf.decide_approval(
        actor=_agency_user(approval.agency, Role.AGENCY_APPROVER),
        task_id=approval.pk,
        decision="approve",
    )
    if step == 6:
        return
    delivery = task("delivery")
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
        task_id=task("follow_up").pk,
        contacted_at=when(24 * 14),
        outcome="improved",
        note="Kondisi keluarga membaik.",
    )
    wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")


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
    _age_open_tasks(rng)
