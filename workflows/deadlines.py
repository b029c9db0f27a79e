"""Deadlines of tasks and referrals, counted in working days on the region's calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from agencies.calendar import add_working_days
from agencies.models import Region
from cases.history import changed_by
from cases.models import CaseKind
from referrals.models import ReferralStatus

from .models import DeadlineRule, TaskKind, WorkItem

DEFAULT_DAYS = {
    TaskKind.VERIFICATION: 5,
    TaskKind.ASSESSMENT: 3,
    TaskKind.SERVICE_DECISION: 2,
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
    kind: str,
    *,
    start: dt.datetime,
    region: Region | str | None,
    service: Any = None,
    agency: Any = None,
    tier: str = "",
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


def task_deadline(item: WorkItem) -> Deadline:
    """The deadline of an existing task, counted again from when it was created: its kind,
    its case's region and complaint tier, its referral's service and its agency."""
    case = item.case
    referral = item.referral
    return deadline_for(
        item.kind,
        start=item.created_at,
        region=item.region_id,
        service=referral.service if referral else None,
        agency=item.agency,
        tier=case.complaint_tier if case.kind != CaseKind.SERVICE_REQUEST else "",
    )


def recompute_open_deadlines(items: QuerySet[WorkItem], *, reason: str) -> int:
    """Count the due dates of these open tasks again (after a day off or a deadline rule
    changed) and store those that moved, with ``reason`` and the acting user in each task's
    history. An agency's answer deadline follows its review task while unanswered.
    Returns how many tasks moved; one transaction.
    """
    moved = 0
    with transaction.atomic():
        locked = (
            items.open()
            .select_for_update(of=("self",))
            .select_related("case", "referral__service", "agency")
            .order_by("pk")
        )
        for item in locked:
            deadline = task_deadline(item)
            if (item.due_at, item.at_risk_at) == (deadline.due_at, deadline.at_risk_at):
                continue
            item.due_at, item.at_risk_at = deadline.due_at, deadline.at_risk_at
            changed_by(item, None, reason=reason)
            item.save(update_fields=["due_at", "at_risk_at"])
            referral = item.referral
            if item.kind == TaskKind.REFERRAL_REVIEW and referral.status == ReferralStatus.SENT:
                referral.due_at, referral.at_risk_at = item.due_at, item.at_risk_at
                changed_by(referral, None, reason=reason)
                referral.save(update_fields=["due_at", "at_risk_at"])
            moved += 1
    return moved


def tasks_reached_by_day_off(day: dt.date, region_code: str | None) -> QuerySet[WorkItem]:
    """Open tasks whose working-day count can pass ``day``: in the region (everywhere for a
    national day off), started on or before it and due on or after it."""
    items = WorkItem.objects.open().filter(created_at__date__lte=day, due_at__date__gte=day)
    return items.filter(Region.within_q(region_code)) if region_code else items


def tasks_reached_by_rule(rule: DeadlineRule) -> QuerySet[WorkItem]:
    """Open tasks of the rule's kind (and of its service, agency or tier when it names one):
    those whose deadline the rule may decide."""
    items = WorkItem.objects.open().filter(kind=rule.kind)
    if rule.service_id:
        items = items.filter(referral__service_id=rule.service_id)
    if rule.agency_id:
        items = items.filter(agency_id=rule.agency_id)
    if rule.complaint_tier:
        items = items.filter(case__complaint_tier=rule.complaint_tier)
    return items
