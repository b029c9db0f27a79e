"""Deadlines on the working-day calendar, at-risk and overdue, one notice, one escalation."""

import datetime as dt
import zoneinfo

import time_machine

from agencies.models import DayOff
from referrals.models import Referral
from tests.conftest import intake, open_task
from workflows import services as wf
from workflows.background import run_periodic_jobs
from workflows.escalation import check_deadlines
from workflows.models import Notification, WorkItem

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


def test_referral_walks_past_its_deadline_across_christmas(staff):
    DayOff.objects.create(date=dt.date(2026, 12, 24), name="Cuti bersama Natal")
    with time_machine.travel(at(2026, 12, 21, 9, 0), tick=False):
        case = intake(staff["petugas"]).case
        task = open_task(case, "verification")
        wf.complete_verification(
            actor=staff["peksos"],
            task_id=task.pk,
            visited_at=at(2026, 12, 21, 9, 0),
            findings="Terverifikasi",
            recommendation="eligible",
        )
        wf.complete_assessment(
            actor=staff["backoffice"],
            task_id=open_task(case, "assessment").pk,
            resolution="refer",
            referrals=[{"service": "pbi-jk"}],
        )
    review = open_task(case, "referral_review")
    referral = Referral.objects.get(case=case)
    # PBI-JK: 5 working days. 24 Dec (cuti bersama), 25 Dec (Christmas), the weekend: skipped.
    assert review.due_at == at(2026, 12, 30, 9, 0)
    assert referral.due_at == review.due_at
    assert review.at_risk_at == at(2026, 12, 28, 3, 0)  # a quarter of 9 days before

    def state(now):
        items = WorkItem.objects.filter(pk=review.pk)
        return items.at_risk(now).exists(), items.overdue(now).exists()

    assert state(at(2026, 12, 27, 12, 0)) == (False, False)
    assert state(at(2026, 12, 29, 10, 0)) == (True, False)
    assert state(at(2026, 12, 30, 10, 0)) == (False, True)

    report = check_deadlines(at(2026, 12, 30, 10, 0))
    assert (report.overdue_notices, report.escalations) == (1, 0)
    notices = Notification.objects.filter(kind="overdue", work_item=review)
    assert {n.recipient.username for n in notices} == {"dinkes", "kadinkes", "manajer"}
    # Not escalated before the second period: 3 working days are 31 Dec, 4 Jan and 6 Jan
    # (1 Jan New Year, the weekend, 5 Jan Isra Mi'raj skipped).
    assert check_deadlines(at(2027, 1, 5, 10, 0)).escalations == 0

    report = check_deadlines(at(2027, 1, 6, 10, 0))
    assert (report.overdue_notices, report.escalations) == (0, 1)
    escalations = Notification.objects.filter(kind="escalation", work_item=review)
    assert [n.recipient.username for n in escalations] == ["kadinkes"]

    # Running again never fires twice.
    again = check_deadlines(at(2027, 1, 10, 10, 0))
    assert (again.overdue_notices, again.escalations) == (0, 0)
    assert Notification.objects.filter(work_item=review).count() == 4


def test_case_task_escalates_to_the_slrt_manager(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    WorkItem.objects.filter(pk=task.pk).update(due_at=at(2026, 1, 5, 9, 0))
    # Found long past both periods: the notice and the escalation go out in the same run.
    result = run_periodic_jobs(now=at(2026, 2, 2, 9, 0))
    assert (result["overdue_notices"], result["escalations"]) == (1, 1)
    # The overdue notice reaches the social workers' queue and the supervisor...
    overdue = Notification.objects.filter(kind="overdue")
    assert {"peksos", "peksos2", "manajer"} <= {n.recipient.username for n in overdue}
    # ...the escalation the regency's SLRT manager.
    assert [n.recipient.username for n in Notification.objects.filter(kind="escalation")] == [
        "manajer"
    ]


def test_overdue_notice_goes_to_the_holder_only_once_claimed(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    WorkItem.objects.filter(pk=task.pk).update(due_at=at(2026, 1, 5, 9, 0))
    check_deadlines(at(2026, 1, 6, 9, 0))
    recipients = {n.recipient.username for n in Notification.objects.filter(kind="overdue")}
    assert recipients == {"peksos", "manajer"}


def test_overdue_notices_are_emailed_once(staff, mailoutbox):
    staff["peksos"].email = "peksos@example.go.id"
    staff["peksos"].save()
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    WorkItem.objects.filter(pk=task.pk).update(due_at=at(2026, 1, 5, 9, 0))
    first = run_periodic_jobs(now=at(2026, 1, 6, 9, 0))
    second = run_periodic_jobs(now=at(2026, 1, 6, 9, 1))
    assert (first["emails"], second["emails"]) == (1, 0)
    assert len(mailoutbox) == 1 and case.number in mailoutbox[0].subject
