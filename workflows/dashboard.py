"""The regional dashboard's figures (dasbor wilayah), in the viewer's scope: cases by stage,
overdue and at-risk tasks by agency and district, cases opened and closed per week, median
days to close. Read by the dashboard page and ``GET /api/v1/dashboard/``."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from cases.models import Case
from cases.selectors import cases_visible_to
from core.deadlines import at_risk_q, overdue_q
from core.types import Viewer

from .selectors import tasks_visible_to


def dashboard_figures(user: Viewer, now: dt.datetime | None = None) -> dict:
    """Counts in the user's scope: cases by stage, overdue and at-risk tasks by agency and
    district, cases opened and closed per week, median days from intake to closure."""
    now = now or timezone.now()
    cases = cases_visible_to(user).order_by()
    by_stage = dict(cases.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    tasks = tasks_visible_to(user).open().order_by()
    late, risky = overdue_q(now), at_risk_q(now)
    by_agency = list(
        tasks.filter(agency__isnull=False)
        .values("agency__code", "agency__name")
        .annotate(overdue=Count("pk", filter=late), at_risk=Count("pk", filter=risky))
        .order_by("-overdue", "agency__name")
    )
    by_district = list(
        tasks.values("region__parent_id", "region__parent__name")
        .annotate(overdue=Count("pk", filter=late), at_risk=Count("pk", filter=risky))
        .order_by("-overdue", "region__parent__name")
    )
    return {
        "by_stage": by_stage,
        "open_cases": sum(n for stage, n in by_stage.items() if stage != "closed"),
        "overdue_tasks": sum(r["overdue"] for r in by_district),
        "at_risk_tasks": sum(r["at_risk"] for r in by_district),
        "by_agency": by_agency,
        "by_district": by_district,
        "weeks": _opened_and_closed_by_week(cases, now),
        "median_days_to_close": _median_days_to_close(cases),
    }


def _opened_and_closed_by_week(cases: QuerySet[Case], now: dt.datetime) -> list[dict]:
    """``[{"week": Monday, "opened": n, "closed": n}]`` for each of the last eight weeks,
    oldest first, empty ones too, so the chart's gaps show quiet weeks instead of hiding
    them."""
    today = timezone.localdate(now)
    this_monday = today - dt.timedelta(days=today.weekday())
    weeks = [this_monday - dt.timedelta(weeks=n) for n in range(7, -1, -1)]
    since = timezone.make_aware(dt.datetime.combine(weeks[0], dt.time.min))
    counts: dict[str, dict[dt.date, int]] = {}
    for field in ("opened", "closed"):
        rows = (
            cases.filter(**{f"{field}_at__gte": since})
            .annotate(week=TruncWeek(f"{field}_at"))
            .values_list("week")
            .annotate(n=Count("pk"))
            .values_list("week", "n")
        )
        counts[field] = {week.date(): n for week, n in rows}
    return [
        {
            "week": w,
            "opened": counts["opened"].get(w, 0),
            "closed": counts["closed"].get(w, 0),
        }
        for w in weeks
    ]


def _median_days_to_close(cases: QuerySet[Case]) -> float | None:
    """Median days from intake to closure of the closed cases (one decimal), None if none."""
    durations = [
        (closed_at - opened_at).total_seconds() / 86400
        for opened_at, closed_at in cases.filter(closed_at__isnull=False).values_list(
            "opened_at", "closed_at"
        )
        if closed_at is not None
    ]
    return round(statistics.median(durations), 1) if durations else None
