"""The working-day calendar every deadline is counted on.

Working days are Monday to Friday, minus Indonesia's national days off and minus days off
declared locally in :class:`agencies.models.DayOff` for the region or one of its parents.

National days off come from the ``holidays`` package: its ``public`` category (hari libur
nasional) and its ``government`` category, the collective leave days (cuti bersama) the
ministers' joint decree (SKB 3 Menteri) sets each year, on which government offices close.
A year's decree may come after the package's release: declare missing days as DayOff rows.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone

from .models import DayOff, Region, region_and_ancestors

# Hari libur nasional and cuti bersama.
NATIONAL_CATEGORIES = ("public", "government")


@lru_cache(maxsize=32)
def _national_holidays(year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays("ID", years=year, categories=NATIONAL_CATEGORIES)
    return frozenset(days.keys())


def _region_codes(region: Region | str | None) -> list[str]:
    """The region's own code and every parent code (``19.04.01`` -> 19, 19.04, 19.04.01)."""
    if region is None:
        return []
    return region_and_ancestors(region if isinstance(region, str) else region.code)


def days_off(start: dt.date, end: dt.date, region: Region | str | None = None) -> set[dt.date]:
    """Every non-working weekday-or-weekend date in ``[start, end]`` for ``region``."""
    local = Q(region__isnull=True)
    codes = _region_codes(region)
    if codes:
        local |= Q(region_id__in=codes)
    off = set(
        DayOff.objects.filter(local, date__gte=start, date__lte=end).values_list("date", flat=True)
    )
    for year in range(start.year, end.year + 1):
        off |= {d for d in _national_holidays(year) if start <= d <= end}
    return off


def is_working_day(day: dt.date, off: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in off


def add_working_days(
    start: dt.date | dt.datetime, n: int, region: Region | str | None = None
) -> dt.date | dt.datetime:
    """``start`` moved forward by ``n`` working days; a datetime keeps its time of day.

    Counting starts the day after ``start``: a request received on Friday with one working day
    is due on Monday (or later, past holidays). ``n = 0`` returns ``start`` unchanged.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return start
    if isinstance(start, dt.datetime) and timezone.is_aware(start):
        # Count on the office's calendar day, not UTC's.
        start = timezone.localtime(start)
    day = start.date() if isinstance(start, dt.datetime) else start
    # Weekends and holidays rarely exceed half the span; widen the window if they do.
    window = n * 2 + 30
    while True:
        off = days_off(day, day + dt.timedelta(days=window), region)
        current, left = day, n
        for _step in range(window):
            current += dt.timedelta(days=1)
            if is_working_day(current, off):
                left -= 1
                if left == 0:
                    if isinstance(start, dt.datetime):
                        return dt.datetime.combine(current, start.timetz())
                    return current
        window *= 2


def working_days_between(start: dt.date, end: dt.date, region: Region | str | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    off = days_off(start, end, region)
    return sum(
        1
        for i in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=i), off)
    )
