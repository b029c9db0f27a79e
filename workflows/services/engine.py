"""The task engine: the one guarded path of every task action (lock, holder check, the
action, viewflow moves on), claiming and reassigning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task

from cases.history import acting_as
from cases.limits import event_time_errors
from cases.models import (
    Case,
)
from core.errors import NotAllowed, TaskNotOpen, TaskTaken, WorkflowError, require
from core.types import Actor
from workflows import selectors
from workflows.models import (
    OPEN_TASK_STATUSES,
    WorkItem,
)


def _name(user: Actor) -> str:
    return user.get_full_name() or user.get_username()


def given_time(value: dt.datetime | None) -> dt.datetime:
    """A time the validation above already required (``require`` raised when missing)."""
    assert value is not None
    return value


def referral_of(item: WorkItem) -> int:
    """The referral a review, approval or delivery task is about (each has one)."""
    assert item.referral_id is not None
    return item.referral_id


def require_after_opening(item: WorkItem, **event_times: dt.datetime) -> None:
    """Refuse (``WorkflowError`` on the field) an event time before the task's case was
    opened. Called under the task's lock, after the actor was found allowed: the error shows
    when the case was opened."""
    opened_at = Case.objects.values_list("opened_at", flat=True).get(pk=item.case_id)
    require(
        {
            field: event_time_errors(at, not_before=opened_at, not_before_label=_("kasus dibuka"))
            for field, at in event_times.items()
        }
    )


def _lock(item: WorkItem) -> Any:
    flow_class = item.task.flow_task.flow_class
    return flow_class.lock(item.task.process_id)


def _fresh_task(item: WorkItem) -> Task:
    task = Task.objects.select_related("process", "owner").get(pk=item.pk)
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskNotOpen(_("Tugas ini sudah selesai atau dibatalkan."))
    return task


@contextmanager
def locked_task(*, actor: Actor, item: WorkItem, take_over: bool = False) -> Iterator[Task]:
    """The task engine's guard, used by every task action (claim, complete, waive, forward,
    assign): one transaction, the flow's row lock, the task re-read under the lock, and the
    holder rule checked there, so of two people acting at once the second is told who won.

    Raises ``TaskNotOpen`` (done or cancelled), ``TaskTaken`` (someone else holds it; also
    when the flow's lock cannot be had) and ``NotAllowed`` (not in the actor's queues).
    ``take_over`` is for the supervisor's actions (waive, assign), who checks their own
    right and may act on a task someone else holds.
    """
    try:
        with transaction.atomic(), acting_as(actor), _lock(item):
            task = _fresh_task(item)
            refusal = (
                None if take_over else selectors.task_refusal(actor, item, owner_id=task.owner_id)
            )
            if refusal == selectors.NOT_IN_QUEUE:
                raise NotAllowed(_("Tugas ini bukan untuk peran atau wilayah Anda."))
            if refusal == selectors.HELD_BY_ANOTHER:
                raise TaskTaken(_name(task.owner))
            yield task
    except FlowLockFailed:
        raise TaskTaken(_("pengguna lain (sedang diproses)")) from None


def _finish(task: Task, *, actor: Actor) -> None:
    """Move viewflow on from ``task``, done by ``actor`` (assigned to them first if needed)."""
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(actor)
    elif task.owner_id != actor.pk:
        activation.reassign(actor)
    activation.start(None)
    activation.execute()


def claim_task(*, actor: Actor, task_id: int) -> WorkItem:
    """Take an unclaimed task from a queue (ambil tugas)."""
    item = selectors.visible_task(actor, task_id)
    with locked_task(actor=actor, item=item) as task:
        if task.owner_id != actor.pk:
            task.flow_task.activation_class(task).assign(actor)
    return item


def assign_task(*, actor: Actor, task_id: int, assignee: Actor | None) -> WorkItem:
    """A supervisor (or head of agency) hands a task to a named officer (alihkan tugas).

    ``assignee`` (a user, or None when the chosen id matched nobody) must be one the
    supervisor is offered for this task (``selectors.assignees_for_task``); anyone else,
    whoever they are, gets the same "pick an officer from the list" error, so neither the
    form nor the API names a stranger.
    """
    item = selectors.visible_task(actor, task_id)
    if not selectors.supervised_tasks(actor).filter(pk=item.pk).exists():
        raise NotAllowed(_("Hanya penyelia wilayah ini yang dapat mengalihkan tugas."))
    offered = {u.pk for u in selectors.assignees_for_task(actor, item)}
    if assignee is None or assignee.pk not in offered:
        raise WorkflowError(field_errors={"assignee": [_("Pilih petugas tujuan dari daftar.")]})
    with locked_task(actor=actor, item=item, take_over=True) as task:
        activation = task.flow_task.activation_class(task)
        if task.owner_id:
            activation.reassign(assignee)
        else:
            activation.assign(assignee)
    return item


def complete_task_action(
    *,
    actor: Actor,
    task_id: int,
    kind: str,
    apply: Callable[[WorkItem, Any], Any],
    then: Callable[[WorkItem], None] | None = None,
    take_over: bool = False,
    item: WorkItem | None = None,
) -> WorkItem:
    """Run ``apply`` (domain writes + decision) and move the flow, all under the lock.

    ``apply`` gets the work item and the task's process as its flow's typed process class
    (``CaseProcess`` or ``ReferralProcess``; viewflow's coercion, no query).

    ``then`` runs after the task's own flow has moved, in the same transaction: a referral
    that ended wakes the case flow (locks are always taken referral first, then case).
    ``take_over``: a supervisor's action on a task someone else may hold (``locked_task``).
    ``item``: the task's work item when the caller has already looked it up.
    """
    item = item or selectors.visible_task(actor, task_id)
    if item.kind != kind:
        raise WorkflowError(
            field_errors={"kind": [_("Tugas ini berjenis %(kind)s.") % {"kind": item.kind}]}
        )
    with locked_task(actor=actor, item=item, take_over=take_over) as task:
        process = task.coerced_process
        apply(item, process)
        process.save(update_fields=["data"])
        _finish(task, actor=actor)
        if then is not None:
            then(item)
    return item


def case_for_update(item: WorkItem) -> Case:
    return Case.objects.select_related("beneficiary", "region").get(pk=item.case_id)
