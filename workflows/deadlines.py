"""Deadlines of tasks and referrals, counted in working days on the region's calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from agencies.calendar import add_working_days

from .models import DeadlineRule, TaskKind

DEFAULT_DAYS = {
    TaskKind.VERIFICATION: 5,
    TaskKind.ASSESSMENT: 3,
    TaskKind.REFERRAL_REVIEW: 5,
    TaskKind.APPROVAL: 3,
    TaskKind.DELIVERY: 10,
    TaskKind.FOLLOW_UP: 10,
    TaskKind.CLOSURE: 3,
    TaskKind.HANDLING: 5,
    TaskKind.RESPONSE: 2,
}
DEFAULT_ESCALATE_AFTER = 3
AT_RISK_SHARE = 0.25  # "at risk" when less than a quarter of the allowed time is left


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    at_risk_at: dt.datetime
    working_days: int
    escalate_after_days: int


def _rule(kind: str, *, service=None, agency=None, tier: str = "") -> DeadlineRule | None:
    rules = DeadlineRule.objects.filter(
        Q(service__isnull=True) | Q(service=service),
        Q(agency__isnull=True) | Q(agency=agency),
        Q(complaint_tier="") | Q(complaint_tier=tier),
        kind=kind,
    )
    return max(
        rules,
        key=lambda r: (r.agency_id is not None, r.service_id is not None, bool(r.complaint_tier)),
        default=None,
    )


def deadline_for(
    kind: str, *, start: dt.datetime, region, service=None, agency=None, tier: str = ""
) -> Deadline:
    """When a task of ``kind`` started at ``start`` is due, and when it turns "at risk"."""
    rule = _rule(kind, service=service, agency=agency, tier=tier)
    if rule is not None:
        days, escalate = rule.working_days, rule.escalate_after_days
    elif kind == TaskKind.REFERRAL_REVIEW and service is not None:
        days, escalate = service.response_days, DEFAULT_ESCALATE_AFTER
    else:
        days, escalate = DEFAULT_DAYS[kind], DEFAULT_ESCALATE_AFTER
    due_at = add_working_days(start, days, region)
    at_risk_at = due_at - (due_at - start) * AT_RISK_SHARE
    return Deadline(due_at, at_risk_at, days, escalate)


def escalation_due(work_item, region) -> dt.datetime:
    """When an overdue task escalates: its due date plus the rule's second period."""
    referral = work_item.referral
    rule = _rule(
        work_item.kind,
        service=referral.service if referral else None,
        agency=work_item.agency,
        tier=work_item.case.complaint_tier,
    )
    days = rule.escalate_after_days if rule else DEFAULT_ESCALATE_AFTER
    return add_working_days(work_item.due_at, days, region)
