"""Deadlines count cuti bersama, and open tasks follow a day off or a deadline rule that is
declared, changed or removed after they were created (issue 13, fault 4)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from agencies.calendar import add_working_days, days_off
from agencies.models import DayOff
from cases.history import acting_as
from tests.conftest import NIBUNG, intake, open_task
from workflows.models import DeadlineRule

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

# Cuti bersama 2026 (SKB 3 Menteri): the leave days around Imlek, Nyepi, Idulfitri, Ascension
# Day, Iduladha and Christmas.
CUTI_BERSAMA_2026 = [
    dt.date(2026, 2, 16),
    dt.date(2026, 3, 18),
    dt.date(2026, 3, 20),
    dt.date(2026, 3, 23),
    dt.date(2026, 3, 24),
    dt.date(2026, 5, 15),
    dt.date(2026, 5, 28),
    dt.date(2026, 12, 24),
]


def at(*args):
    return dt.datetime(*args, tzinfo=WIB)


@pytest.mark.django_db
def test_cuti_bersama_are_days_off():
    off = days_off(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert set(CUTI_BERSAMA_2026) <= off
    # Wed 13 May 10:00 + 2 working days: Ascension Day (14th), its leave day (15th) and the
    # weekend are skipped.
    assert add_working_days(at(2026, 5, 13, 10, 0), 2) == at(2026, 5, 19, 10, 0)


def test_a_local_day_off_declared_later_moves_open_due_dates_with_history(staff):
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):  # a Monday
        case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    assert task.due_at == at(2026, 7, 13, 9, 0)  # 5 working days

    with acting_as(staff["manajer"]):
        day_off = DayOff.objects.create(
            date=dt.date(2026, 7, 8), name="Hari jadi kabupaten", region_id=NIBUNG[:5]
        )
    task.refresh_from_db()
    assert task.due_at == at(2026, 7, 14, 9, 0)
    latest = task.history.first()
    assert latest.history_user == staff["manajer"]
    assert "Hari jadi kabupaten" in latest.history_change_reason

    # Renaming it moves nothing and writes nothing.
    records = task.history.count()
    day_off.name = "Hari jadi Kabupaten Bangka Tengah"
    day_off.save()
    assert task.history.count() == records
    # A day off elsewhere changes nothing here; removing this one gives the day back.
    DayOff.objects.create(date=dt.date(2026, 7, 9), name="Lain", region_id="14.03")
    task.refresh_from_db()
    assert task.due_at == at(2026, 7, 14, 9, 0)
    day_off.delete()
    task.refresh_from_db()
    assert task.due_at == at(2026, 7, 13, 9, 0)
    assert "dihapus" in task.history.first().history_change_reason


def test_a_deadline_rule_changed_later_moves_open_due_dates(staff):
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):
        case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    assert task.due_at == at(2026, 7, 13, 9, 0)  # the seeded rule: 5 working days
    rule = DeadlineRule.objects.get(kind="verification", service=None, agency=None)
    rule.working_days = 3
    rule.save()
    task.refresh_from_db()
    assert task.due_at == at(2026, 7, 9, 9, 0)
    assert "aturan tenggat" in task.history.first().history_change_reason
    # Another kind's rule leaves the visit alone.
    other = DeadlineRule.objects.get(kind="assessment", service=None, agency=None)
    other.working_days = 1
    other.save()
    task.refresh_from_db()
    assert task.due_at == at(2026, 7, 9, 9, 0)
