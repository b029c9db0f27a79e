"""A small known month (October 2026, Kab. Bangka Tengah) for the recap and the agency KPIs.

Built through the real services, then dated into October with ``update()`` (the services
stamp "now"). What it holds, and so what the recap must say:

- case A: service request opened 20 Sep, closed 5 Oct (closed this month, not received);
- case B: service request, walk-in, Nibung; referred to Dinas Kesehatan 3 Oct 10:00, answer
  due 10 Oct, accepted 14 Oct (late), delivered 20 Oct 10:00 (Rp 150.000): 17 days;
- case C: service request, by phone, Air Mesu (Pangkalan Baru); referred 11 Oct 10:00, due
  20 Oct, rejected 12 Oct 10:00 (on time, 1 day); closed 15 Oct (5 days after opening);
- complaint D, minor: opened 5 Oct, handling due 7 Oct, handled 9 Oct (late);
- complaint E, normative: opened 6 Oct, handling due 13 Oct, handled 10 Oct (on time);
- complaint F, minor: opened 20 Oct, handling due 22 Oct, still open on 1 Nov (overdue);
- a case in Kab. Bengkalis opened in October (another regency: never counted).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from viewflow.workflow.models import Task

from cases.models import Case
from referrals.models import Delivery, Referral
from tests.conftest import AIR_MESU, KOTA_BENGKALIS, intake, open_task, person, referred_case
from workflows import services as wf
from workflows.models import WorkItem

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTH = dt.date(2026, 10, 1)
NOW = dt.datetime(2026, 11, 1, 9, 0, tzinfo=JAKARTA)


def at(day: int, hour: int = 10, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=JAKARTA)


def nik(serial: int) -> str:
    return f"190401120885{serial:04d}"


def _complaint(staff, serial: int, tier: str, opened: dt.datetime, due: dt.datetime) -> Case:
    case = intake(
        staff["petugas"],
        kind="complaint",
        description="Bantuan sembako tidak diterima 3 bulan.",
        requested_services=[],
        complaint_tier=tier,
        applicant=person(nik=nik(serial)),
    ).case
    Case.objects.filter(pk=case.pk).update(opened_at=opened)
    WorkItem.objects.filter(case=case, kind="handling").update(created_at=opened, due_at=due)
    return case


def _handled(staff, case: Case, when: dt.datetime) -> None:
    item = open_task(case, "handling")
    wf.complete_handling(actor=staff["backoffice"], task_id=item.pk, note="Sudah dicek.")
    Task.objects.filter(pk=item.pk).update(finished=when)


def build_month(staff) -> dict:
    """The month above; returns its cases by letter."""
    a = intake(staff["petugas"], applicant=person(nik=nik(11))).case
    Case.objects.filter(pk=a.pk).update(
        opened_at=at(20, month=9), closed_at=at(5), status="closed", stage="closed"
    )
    b = referred_case(staff, nik=nik(12), services=["pbi-jk"])
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(b, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(b, "approval").pk, decision="approve"
    )
    wf.record_delivery(
        actor=staff["dinkes"],
        task_id=open_task(b, "delivery").pk,
        delivered_at=timezone.now(),
        channel="service",
        amount="150000",
        items="KIS PBI aktif kembali",
    )
    Case.objects.filter(pk=b.pk).update(opened_at=at(2))
    Referral.objects.filter(case=b).update(
        sent_at=at(3), due_at=at(10), at_risk_at=at(8), accepted_at=at(14)
    )
    Delivery.objects.filter(referral__case=b).update(delivered_at=at(20))
    c = referred_case(staff, nik=nik(13), services=["pbi-jk"], channel="phone")
    wf.review_referral(
        actor=staff["dinkes"],
        task_id=open_task(c, "referral_review").pk,
        decision="reject",
        reason="Sudah terdaftar PBI.",
    )
    Case.objects.filter(pk=c.pk).update(
        opened_at=at(10), closed_at=at(15), status="closed", stage="closed", region_id=AIR_MESU
    )
    Referral.objects.filter(case=c).update(
        sent_at=at(11), due_at=at(20), at_risk_at=at(18), ended_at=at(12)
    )
    d = _complaint(staff, 14, "minor", at(5), at(7))
    _handled(staff, d, at(9))
    e = _complaint(staff, 15, "normative", at(6), at(13))
    _handled(staff, e, at(10))
    f = _complaint(staff, 16, "minor", at(20), at(22))
    other = intake(
        staff["petugas_bks"],
        applicant=person(nik="1403011208850001", region_code=KOTA_BENGKALIS),
    ).case
    Case.objects.filter(pk=other.pk).update(opened_at=at(8))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "other": other}
