import datetime as dt
import zoneinfo

from agencies.calendar import add_working_days, working_days_between
from agencies.models import DayOff

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def test_weekend_is_skipped(db):
    friday = dt.date(2026, 11, 20)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 23)  # Monday


def test_christmas_public_holiday_is_skipped(db):
    # Thu 24 Dec 2026 + 2 working days: Fri 25 Dec is Christmas, so Mon 28 and Tue 29.
    assert add_working_days(dt.date(2026, 12, 24), 2) == dt.date(2026, 12, 29)


def test_independence_day_is_skipped(db):
    # Fri 14 Aug 2026 + 1: Mon 17 Aug is Independence Day -> Tue 18 Aug.
    assert add_working_days(dt.date(2026, 8, 14), 1) == dt.date(2026, 8, 18)


def test_local_day_off_counts_only_in_its_region(regions):
    DayOff.objects.create(date=dt.date(2026, 11, 24), name="Hari jadi kabupaten", region_id="19.04")
    monday = dt.date(2026, 11, 23)
    assert add_working_days(monday, 1, "19.04.01.2003") == dt.date(2026, 11, 25)
    assert add_working_days(monday, 1, "14.03.01.1001") == dt.date(2026, 11, 24)


def test_national_day_off_from_the_table_applies_everywhere(regions):
    DayOff.objects.create(date=dt.date(2026, 12, 24), name="Cuti bersama Natal")
    # Wed 23 Dec + 1: 24 Dec cuti bersama, 25 Dec Christmas, weekend -> Mon 28 Dec.
    assert add_working_days(dt.date(2026, 12, 23), 1, "14.03") == dt.date(2026, 12, 28)


def test_datetime_keeps_its_time_of_day_in_local_time(db):
    start = dt.datetime(2026, 11, 20, 14, 30, tzinfo=JAKARTA)
    assert add_working_days(start, 1) == dt.datetime(2026, 11, 23, 14, 30, tzinfo=JAKARTA)


def test_utc_datetime_is_counted_on_the_local_day(db):
    # Fri 20 Nov 23:00 UTC is already Sat 21 Nov 06:00 in Jakarta: + 1 -> Mon 23 Nov 06:00.
    start = dt.datetime(2026, 11, 20, 23, 0, tzinfo=dt.UTC)
    due = add_working_days(start, 1)
    assert due.astimezone(JAKARTA) == dt.datetime(2026, 11, 23, 6, 0, tzinfo=JAKARTA)


def test_long_span_skips_every_weekday_holiday(db):
    # 60 working days (the investigation tier) from 1 Jan 2026: 63 weekdays to 31 Mar, less
    # Isra Mi'raj (16 Jan), Lunar New Year (17 Feb) and Nyepi (19 Mar) and the cuti bersama
    # of 16 Feb, 18, 20, 23 and 24 Mar: 55; then 1, 2, 6, 7 and 8 Apr (3 Apr is Good Friday).
    due = add_working_days(dt.date(2026, 1, 1), 60)
    assert due == dt.date(2026, 4, 8)
    assert working_days_between(dt.date(2026, 1, 1), due) == 60


def test_zero_days_is_the_start(db):
    assert add_working_days(dt.date(2026, 11, 21), 0) == dt.date(2026, 11, 21)
