"""Overdue notices and escalation, run by the background job every minute.

A task past its due date notifies its holder (or its queue) and the area's supervisor once.
Still open after the rule's second period, it escalates once: to the head of the agency for
referral tasks, to the SLRT manager for case tasks. Each step is taken by a conditional
UPDATE on ``escalation_step``, so two runs at the same moment cannot both fire it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.services import system_user
from cases.history import acting_as

from . import selectors
from .deadlines import escalation_due
from .models import WorkItem
from .notifications import notify


@dataclass
class DeadlineReport:
    overdue_notices: int = 0
    escalations: int = 0


def _advance(item: WorkItem, from_step: int, *, actor, reason: str) -> bool:
    """Raise the item's ``escalation_step`` from ``from_step`` (compare-and-set) and record it.

    A queryset UPDATE sends no signal, so simple-history writes nothing for it: the history
    row (by ``actor``, the system user, with ``reason``) is written here, from the row as
    stored, re-read under the lock the UPDATE took. False when another run advanced it first.
    """
    advanced = WorkItem.objects.filter(pk=item.pk, escalation_step=from_step).update(
        escalation_step=from_step + 1
    )
    if advanced:
        WorkItem.history.bulk_history_create(
            [WorkItem.objects.get(pk=item.pk)],
            update=True,
            default_user=actor,
            default_change_reason=reason,
        )
    return bool(advanced)


def _notice_params(item: WorkItem) -> dict:
    """What an overdue or escalation notice says, kept as data (rendered when read)."""
    return {"kind": item.kind, "case": item.case.number, "due": item.due_at.isoformat()}


def _holders(item: WorkItem):
    owner = item.task.owner
    return [owner] if owner else list(selectors.queue_members(item))


def check_deadlines(now=None) -> DeadlineReport:
    now = now or timezone.now()
    report = DeadlineReport()
    items = WorkItem.objects.overdue(now).select_related(
        "task__owner", "case", "referral__service", "agency"
    )
    system = system_user()
    with acting_as(system):
        for item in items.filter(escalation_step=0):
            with transaction.atomic():
                if not _advance(item, 0, actor=system, reason=_("Terlambat")):
                    continue
                recipients = _holders(item) + list(selectors.supervisors_of(item.region_id))
                notify(
                    recipients,
                    kind="overdue",
                    params=_notice_params(item),
                    case=item.case,
                    work_item=item,
                )
                report.overdue_notices += 1
        for item in items.filter(escalation_step=1):
            if now < escalation_due(item, item.region_id):
                continue
            with transaction.atomic():
                if not _advance(item, 1, actor=system, reason=_("Dieskalasi")):
                    continue
                if item.agency_id:
                    recipients = selectors.agency_heads(item.agency_id)
                else:
                    recipients = selectors.supervisors_of(item.region_id, regency_level_only=True)
                notify(
                    recipients,
                    kind="escalation",
                    params=_notice_params(item),
                    case=item.case,
                    work_item=item,
                )
                report.escalations += 1
    return report
