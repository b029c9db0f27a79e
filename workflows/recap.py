"""Rekap bulanan (issue 15): the monthly recap of an office's or a regency's area, as the
Dinas Sosial reports it to the regent and the ministry. Aggregates only: no name, NIK or case
number leaves here. Shown by the recap page, drawn as PDF (``workflows.recap_pdf``) and XLSX
(``workflows.recap_xlsx``).

What each table counts, for the month (local dates) and the area (the cases' villages in it):

- cases **received** (opened in the month) and **closed** (closed in the month, whenever
  opened) by kind, channel, district (kecamatan) and requested service;
- referrals per agency: the agency KPIs of the month's cohort (``workflows.kpis``);
- deliveries by program (service), delivered in the month: how many and their total value;
- **median days to close**: over the cases closed in the month, intake to closure;
- complaints received in the month by tier, and the share **answered within the tier's
  deadline**: the complaint's first handling task (Penanganan, due after the tier's working
  days) completed at or before its due time; over the complaints whose handling is due
  (completed, or still open past its due time).

A fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from viewflow.workflow.models import Task

from agencies.models import Region, Service
from cases.models import Case, CaseKind, Channel, ComplaintTier
from cases.selectors import cases_visible_to
from core.deadlines import local_midnight
from core.types import Viewer
from referrals.models import Delivery

from .kpis import DAY, agency_kpis, next_month, share
from .models import TaskKind, WorkItem


@dataclass
class Recap:
    """One month's recap of one area."""

    region: Region
    month: dt.date
    generated_at: dt.datetime
    by_kind: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    by_district: list[dict] = field(default_factory=list)
    by_service: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    complaints: list[dict] = field(default_factory=list)
    received: int = 0
    closed: int = 0
    median_days_to_close: float | None = None


def monthly_recap(
    user: Viewer, *, region: Region, month: dt.date, now: dt.datetime | None = None
) -> Recap:
    """The recap of ``region`` for ``month`` (any day of it), in the user's scope."""
    now = now or timezone.now()
    month = month.replace(day=1)
    start, end = local_midnight(month), local_midnight(next_month(month))
    cases = cases_visible_to(user).filter(Region.within_q(region.code)).order_by()
    received_q = Q(opened_at__gte=start, opened_at__lt=end)
    closed_q = Q(closed_at__gte=start, closed_at__lt=end)
    moving = cases.filter(received_q | closed_q)
    recap = Recap(region=region, month=month, generated_at=now)
    recap.by_kind = _labelled(_counts(moving, "kind", received_q, closed_q), CaseKind)
    recap.by_channel = _labelled(_counts(moving, "channel", received_q, closed_q), Channel)
    recap.by_district = _counts(
        moving, "region__parent_id", received_q, closed_q, label="region__parent__name"
    )
    services = _counts(
        moving.filter(requested_services__isnull=False),
        "requested_services__code",
        received_q,
        closed_q,
        distinct=True,
    )
    names = dict(Service.objects.values_list("code", "name"))
    recap.by_service = [{**row, "label": names.get(row["key"], row["key"])} for row in services]
    recap.received = sum(row["received"] for row in recap.by_kind)
    recap.closed = sum(row["closed"] for row in recap.by_kind)
    recap.median_days_to_close = _median_days_to_close(cases.filter(closed_q))
    recap.referrals = agency_kpis(user, first=month, last=month, region=region.code, now=now)
    recap.deliveries = _deliveries(cases, start, end)
    recap.complaints = _complaints(cases.filter(received_q, kind=CaseKind.COMPLAINT), now)
    return recap


def _counts(
    qs: QuerySet[Case],
    key: str,
    received_q: Q,
    closed_q: Q,
    *,
    label: str = "",
    distinct: bool = False,
) -> list[dict]:
    """``[{"key", "label", "received", "closed"}]`` grouped by ``key``, by key."""
    fields = [key, label] if label else [key]
    rows = (
        qs.values(*fields)
        .annotate(
            received=Count("pk", filter=received_q, distinct=distinct),
            closed=Count("pk", filter=closed_q, distinct=distinct),
        )
        .order_by(key)
    )
    return [
        {
            "key": row[key],
            "label": row[label] if label else row[key],
            "received": row["received"],
            "closed": row["closed"],
        }
        for row in rows
    ]


def _labelled(rows: list[dict], choices) -> list[dict]:
    labels = dict(choices.choices)
    return [{**row, "label": str(labels.get(row["key"], row["key"]))} for row in rows]


def _median_days_to_close(closed: QuerySet[Case]) -> float | None:
    durations = [
        (closed_at - opened_at).total_seconds() / DAY
        for opened_at, closed_at in closed.values_list("opened_at", "closed_at")
        if closed_at is not None
    ]
    return round(statistics.median(durations), 1) if durations else None


def _deliveries(cases: QuerySet[Case], start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Deliveries made in the month on the area's cases, by program (service)."""
    rows = (
        Delivery.objects.filter(
            referral__case__in=cases.values("pk"), delivered_at__gte=start, delivered_at__lt=end
        )
        .values("service__code", "service__name")
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("service__name")
    )
    return [
        {
            "key": row["service__code"],
            "label": row["service__name"],
            "count": row["count"],
            "amount": row["amount"] or 0,
        }
        for row in rows
    ]


def _complaints(complaints: QuerySet[Case], now: dt.datetime) -> list[dict]:
    """Complaints by tier with how their first handling task kept the tier's deadline."""
    first = WorkItem.objects.filter(case_id=OuterRef("pk"), kind=TaskKind.HANDLING).order_by(
        "created_at", "pk"
    )
    finished = Task.objects.filter(pk=OuterRef("handling_task")).values("finished")
    rows = (
        complaints.annotate(
            handling_task=Subquery(first.values("task_id")[:1]),
            handling_due=Subquery(first.values("due_at")[:1]),
        )
        .annotate(handling_done=Subquery(finished[:1]))
        .values("complaint_tier")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(handling_done__lte=F("handling_due"))),
            late=Count("pk", filter=Q(handling_done__gt=F("handling_due"))),
            open_overdue=Count("pk", filter=Q(handling_done__isnull=True, handling_due__lt=now)),
        )
        .order_by("complaint_tier")
    )
    labels = dict(ComplaintTier.choices)
    order = list(labels)
    result = [
        {
            "key": row["complaint_tier"],
            "label": str(labels.get(row["complaint_tier"], row["complaint_tier"])),
            "received": row["received"],
            "on_time": row["on_time"],
            "late": row["late"],
            "open_overdue": row["open_overdue"],
            "on_time_share": share(
                row["on_time"], row["on_time"] + row["late"] + row["open_overdue"]
            ),
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: order.index(r["key"]) if r["key"] in order else 99)
