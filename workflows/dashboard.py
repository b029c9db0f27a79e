"""The regional dashboard's figures (dasbor wilayah), in the viewer's scope and a region of
theirs. Read by the dashboard page and ``GET /api/v1/dashboard/``.

Two kinds of figures, each counting cases, so that each opens the case list that shows the
same cases (the list's filters: ``stage``, ``region``, ``agency``, ``overdue``, ``at_risk``,
``opened_from``/``opened_to``, ``closed_from``/``closed_to``):

- **now**, whatever the date range: cases by stage; cases with an open task overdue / at
  risk (``core.deadlines``), in all, per agency (that agency's tasks) and per district;
- **in the date range** (local dates, inclusive): cases opened and closed, per week and in
  all, the median days to close of those closed, and the agency KPIs of the referrals sent
  in the range's months (``workflows.kpis``).
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from agencies.models import Region
from cases.models import Case, CaseStatus, Stage
from cases.selectors import cases_visible_to
from core.deadlines import at_risk_q, local_midnight, overdue_q
from core.types import Viewer

from .kpis import DAY, agency_kpis
from .models import WorkItem


def dashboard_figures(
    user: Viewer,
    *,
    start: dt.date,
    end: dt.date,
    region: str = "",
    now: dt.datetime | None = None,
) -> dict:
    """The figures (module docstring) of the cases ``user`` sees in ``region`` (an area
    code, "" for all their areas), the range's from ``start`` to ``end`` inclusive. Nine
    queries whatever the data size."""
    now = now or timezone.now()
    cases = cases_visible_to(user).order_by()
    if region:
        cases = cases.filter(Region.within_q(region))
    open_tasks = WorkItem.objects.open().filter(case_id=OuterRef("pk"))
    cases_now = cases.annotate(
        late=Exists(open_tasks.filter(overdue_q(now))),
        risky=Exists(open_tasks.filter(at_risk_q(now))),
    )
    stages = list(
        cases_now.values("stage").annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(late=True)),
            at_risk=Count("pk", filter=Q(risky=True)),
        )
    )
    since, until = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    opened = cases.filter(opened_at__gte=since, opened_at__lt=until)
    closed = cases.filter(closed_at__gte=since, closed_at__lt=until)
    weeks = _opened_and_closed_by_week(opened, closed, start, end)
    return {
        "start": start,
        "end": end,
        "region": region,
        "by_stage": {row["stage"]: row["n"] for row in stages},
        "open_cases": sum(r["n"] for r in stages if r["stage"] != Stage.CLOSED),
        "overdue_cases": sum(r["overdue"] for r in stages),
        "at_risk_cases": sum(r["at_risk"] for r in stages),
        "by_agency": _by_agency(cases, now),
        "by_district": list(
            cases_now.filter(status=CaseStatus.OPEN)
            .values("region__parent_id", "region__parent__name")
            .annotate(
                overdue=Count("pk", filter=Q(late=True)),
                at_risk=Count("pk", filter=Q(risky=True)),
            )
            .order_by("-overdue", "region__parent__name")
        ),
        "weeks": weeks,
        "opened": sum(w["opened"] for w in weeks),
        "closed": sum(w["closed"] for w in weeks),
        "median_days_to_close": _median_days_to_close(closed),
        "kpis": agency_kpis(user, first=start, last=end, region=region, now=now),
    }


def _by_agency(cases: QuerySet[Case], now: dt.datetime) -> list[dict]:
    """Per agency with open tasks on these cases: how many cases have one of its tasks
    overdue, and at risk."""
    return list(
        WorkItem.objects.open()
        .filter(case__in=cases.values("pk"), agency__isnull=False)
        .values("agency__code", "agency__name")
        .annotate(
            overdue=Count("case", filter=overdue_q(now), distinct=True),
            at_risk=Count("case", filter=at_risk_q(now), distinct=True),
        )
        .order_by("-overdue", "agency__name")
    )


def range_weeks(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """``(monday, first day, last day)`` of each week the range touches, its first and last
    days clamped to the range, oldest first."""
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append((monday, max(monday, start), min(monday + dt.timedelta(days=6), end)))
        monday += dt.timedelta(weeks=1)
    return weeks


def _opened_and_closed_by_week(
    opened: QuerySet[Case], closed: QuerySet[Case], start: dt.date, end: dt.date
) -> list[dict]:
    """``[{"week", "first", "last", "opened", "closed"}]`` for each week of the range, empty
    ones too, so the chart's gaps show quiet weeks instead of hiding them."""
    counts: dict[str, dict[dt.date, int]] = {}
    for name, qs in (("opened", opened), ("closed", closed)):
        rows = (
            qs.annotate(week=TruncWeek(f"{name}_at"))
            .values_list("week")
            .annotate(n=Count("pk"))
            .values_list("week", "n")
        )
        counts[name] = {_day(week): n for week, n in rows}
    return [
        {
            "week": monday,
            "first": first,
            "last": last,
            "opened": counts["opened"].get(monday, 0),
            "closed": counts["closed"].get(monday, 0),
        }
        for monday, first, last in range_weeks(start, end)
    ]


def _day(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _median_days_to_close(closed: QuerySet[Case]) -> float | None:
    """Median days from intake to closure of these closed cases (one decimal), None if none."""
    durations = [
        (closed_at - opened_at).total_seconds() / DAY
        for opened_at, closed_at in closed.values_list("opened_at", "closed_at")
        if closed_at is not None
    ]
    return round(statistics.median(durations), 1) if durations else None
