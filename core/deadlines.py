"""The deadline state of anything with a due time (a task, a referral, a move request): the
one definition of overdue and at risk.

A deadline rule (``workflows.DeadlineRule``, in working days) sets ``due_at`` and
``at_risk_at`` (when a quarter of the allowed time is left) when the work is created; these
filters read them against ``now``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone


def overdue_q(now: dt.datetime) -> Q:
    """Filter: past its due time. Combine with "still open" for the model at hand."""
    return Q(due_at__lt=now)


def at_risk_q(now: dt.datetime) -> Q:
    """Filter: less than a quarter of the allowed time left (``at_risk_at``), not yet overdue."""
    return Q(at_risk_at__lte=now, due_at__gte=now)


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the office's time zone (``TIME_ZONE``, WIB): where a filter's
    or a report's local date begins (``< local_midnight(day + 1 day)`` ends it)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
