"""Agency KPIs (issue 15): how fast and how well each agency serves the referrals it
receives, per agency and per month of sending. Read by the dashboard, the monthly recap
and ``GET /api/v1/dashboard/``.

One cohort per agency and month: the referrals sent to the agency in that (local) month,
revoked ones left out (the sender withdrew them; they were never the agency's to serve).
For each cohort:

- **received**: how many referrals.
- **accepted** / **rejected**: answered "accept" (``accepted_at`` set) / "reject"
  (status ``rejected``).
- **first answer**: when the agency accepted (``accepted_at``) or rejected (``ended_at`` of a
  ``rejected`` referral). **Median days to first answer**: median of first answer minus
  ``sent_at``, over the answered referrals, in calendar days (one decimal).
- **answered within the deadline**: first answer at or before the referral's answer deadline
  (``Referral.due_at``: the service's response days on the working-day calendar, which
  follows the review task while unanswered and stays put once answered). Its **share** is
  over the referrals whose answer is due (answered, or unanswered past ``due_at``), so a
  referral sent yesterday is not yet a miss.
- **delivered**: status ``delivered``; **share delivered** over received.
- **median days to delivery**: median of ``Delivery.delivered_at`` minus ``sent_at`` over the
  delivered referrals, in calendar days.
- **overdue now**: referrals not ended with an open task (review, approval or delivery)
  past its due time now (``core.deadlines.overdue_q``, the one definition of overdue).

Two queries whatever the data size: one aggregate of the counts, one of the durations the
medians are taken from.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Case as Conditional
from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from agencies.models import Region
from core.deadlines import local_midnight, overdue_q
from core.types import Viewer
from referrals.models import ENDED_STATUSES, Referral, ReferralStatus
from referrals.selectors import referrals_visible_to

from .models import WorkItem

DAY = 86400.0


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from ``start``'s to ``end``'s, oldest first."""
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def _cohort(user: Viewer, first: dt.date, last: dt.date, region: str) -> QuerySet[Referral]:
    """Referrals the user may see, sent from the month of ``first`` to that of ``last``, to
    cases in ``region`` (an area code; "" for the user's whole scope), revoked ones left out."""
    qs = referrals_visible_to(user).filter(
        sent_at__gte=local_midnight(month_start(first)),
        sent_at__lt=local_midnight(next_month(last)),
    )
    if region:
        qs = qs.filter(Region.within_q(region, "case__region"))
    return qs.exclude(status=ReferralStatus.REVOKED).order_by()


def _answered_at() -> Conditional:
    return Conditional(
        When(accepted_at__isnull=False, then=F("accepted_at")),
        When(status=ReferralStatus.REJECTED, then=F("ended_at")),
        output_field=DateTimeField(),
    )


def agency_kpis(
    user: Viewer,
    *,
    first: dt.date,
    last: dt.date,
    region: str = "",
    now: dt.datetime | None = None,
) -> list[dict]:
    """The KPIs (module docstring) per agency and month from ``first``'s month to ``last``'s,
    in the user's scope: ``[{"agency_code", "agency_name", "month", "received", "accepted",
    "rejected", "answered", "due", "answered_on_time", "on_time_share", "delivered",
    "delivered_share", "median_days_to_answer", "median_days_to_delivery", "overdue_now"}]``,
    by month then agency name. Shares are percentages (one decimal) or None when nothing
    counts."""
    now = now or timezone.now()
    late_task = WorkItem.objects.open().filter(overdue_q(now), referral_id=OuterRef("pk"))
    qs = _cohort(user, first, last, region).annotate(
        month=TruncMonth("sent_at"), answered_at=_answered_at(), late=Exists(late_task)
    )
    answered = Q(answered_at__isnull=False)
    rows = (
        qs.values("agency_id", "agency__code", "agency__name", "month")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            rejected=Count("pk", filter=Q(status=ReferralStatus.REJECTED)),
            answered=Count("pk", filter=answered),
            due=Count("pk", filter=answered | Q(due_at__lt=now)),
            answered_on_time=Count("pk", filter=answered & Q(answered_at__lte=F("due_at"))),
            delivered=Count("pk", filter=Q(status=ReferralStatus.DELIVERED)),
            overdue_now=Count("pk", filter=Q(late=True) & ~Q(status__in=ENDED_STATUSES)),
        )
        .order_by("month", "agency__name")
    )
    answer_days, delivery_days = _durations(qs)
    return [_kpi_row(row, answer_days, delivery_days) for row in rows]


COUNTS = (
    "received",
    "accepted",
    "rejected",
    "answered",
    "due",
    "answered_on_time",
    "delivered",
    "overdue_now",
)


def _kpi_row(row: dict, answer_days: dict, delivery_days: dict) -> dict:
    key = (row["agency_id"], _month_of(row["month"]))
    return {
        "agency_code": row["agency__code"],
        "agency_name": row["agency__name"],
        "month": key[1],
        **{name: row[name] for name in COUNTS},
        "on_time_share": share(row["answered_on_time"], row["due"]),
        "delivered_share": share(row["delivered"], row["received"]),
        "median_days_to_answer": median_days(answer_days.get(key, [])),
        "median_days_to_delivery": median_days(delivery_days.get(key, [])),
    }


def _month_of(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _durations(qs: QuerySet) -> tuple[dict, dict]:
    """Seconds from sending to first answer and to delivery, per (agency id, month)."""
    answer: dict[tuple, list[float]] = defaultdict(list)
    delivery: dict[tuple, list[float]] = defaultdict(list)
    rows = qs.filter(Q(answered_at__isnull=False) | Q(delivery__isnull=False)).values_list(
        "agency_id", "month", "sent_at", "answered_at", "delivery__delivered_at"
    )
    for agency_id, month, sent_at, answered_at, delivered_at in rows:
        key = (agency_id, _month_of(month))
        if answered_at is not None:
            answer[key].append((answered_at - sent_at).total_seconds())
        if delivered_at is not None:
            delivery[key].append((delivered_at - sent_at).total_seconds())
    return answer, delivery


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


def median_days(seconds: list[float]) -> float | None:
    """The median of durations in seconds, in days with one decimal; None for none."""
    return round(statistics.median(seconds) / DAY, 1) if seconds else None
