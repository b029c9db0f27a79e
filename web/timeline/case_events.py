"""Timeline events of the case record, its people and its tasks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import Case, CaseStatus, Person, stage_label
from web.timeline.changes import (
    CASE_INTERNAL_FIELDS,
    CLAIM_FOLDED_INTO_COMPLETION,
    EMPTY,
    PERSON_INTERNAL_FIELDS,
    TimelineEvent,
    field_changes,
    joined,
    masked_fields,
    tracked_fields,
)

Change = tuple[str, str, str]


def case_history(case: Case) -> list:
    person_fields = {f.name for f in Person._meta.concrete_fields}
    secret = sorted(person_fields & (set(masked_fields(Person)) | {"nik_index"}))
    return list(
        Case.history.filter(id=case.pk)
        .select_related(
            "history_user",
            "opened_by",
            "ppks_category",
            "region",
            "forwarded_agency",
            "applicant",
            "beneficiary",
        )
        # Only the people's names are shown: their NIKs are not even read.
        .defer(*(f"{role}__{name}" for role in ("applicant", "beneficiary") for name in secret))
        .order_by("history_date", "history_id")
    )


def requested_services_by_record(case: Case) -> dict[int, dict[int, str]]:
    """For each historical case row: the requested services it recorded (id → name)."""
    m2m_model = apps.get_model("cases", "HistoricalCase_requested_services")
    by_record: dict[int, dict[int, str]] = defaultdict(dict)
    rows = m2m_model.objects.filter(case_id=case.pk).select_related("service")
    for row in rows:
        name = row.service.display_name if row.service is not None else f"#{row.service_id}"
        by_record[row.history_id][row.service_id] = name
    return by_record


def opening_event(case: Case, first) -> TimelineEvent:
    """The case opened: recorded with its first history row, at the typed opening time."""
    actor = None
    if first is not None:
        actor = first.opened_by or first.history_user
    return TimelineEvent(
        at=first.history_date if first is not None else case.opened_at,
        occurred_at=case.opened_at,
        actor=actor,
        kind="opened",
        summary=_("Kasus dibuka"),
        detail=joined(case.get_kind_display(), case.get_channel_display()),
    )


def _case_change_summary(old, new, changes: list[Change]) -> tuple[str, str]:
    if old.status != new.status and new.status == CaseStatus.CLOSED:
        return "case_closed", _("Kasus ditutup")
    if old.status != new.status and old.status == CaseStatus.CLOSED:
        return "case_reopened", _("Kasus dibuka kembali")
    if len(changes) == 1 and old.stage != new.stage:
        return "case_stage", _("Tahap kasus: %(stage)s") % {
            "stage": stage_label(new.kind, new.stage)
        }
    return "case_changed", _("Data kasus diubah")


def case_record_events(case: Case, records: list, services: dict[int, dict[int, str]]) -> list:
    fields = tracked_fields(Case, CASE_INTERNAL_FIELDS)
    services_label = capfirst(str(Case._meta.get_field("requested_services").verbose_name))
    events = [opening_event(case, records[0] if records else None)]
    for old, new in zip(records, records[1:], strict=False):
        changes = field_changes(old, new, fields)
        before = services.get(old.history_id, {})
        after = services.get(new.history_id, {})
        # The services are set right after the case row is created: part of the opening.
        initial_population = old.history_type == "+" and not before
        if before.keys() != after.keys() and not initial_population:
            changes.append(
                (
                    services_label,
                    ", ".join(sorted(before.values())) or EMPTY,
                    ", ".join(sorted(after.values())) or EMPTY,
                )
            )
        if not changes:
            continue
        kind, summary = _case_change_summary(old, new, changes)
        events.append(
            TimelineEvent(
                at=new.history_date,
                actor=new.history_user,
                kind=kind,
                summary=summary,
                changes=changes,
            )
        )
    return events


# --- applicant and beneficiary -------------------------------------------------------------


def person_events(case: Case, since: dt.datetime) -> list[TimelineEvent]:
    """Changes to the applicant's and beneficiary's records since the case was opened."""
    roles = {case.applicant_id: _("pemohon"), case.beneficiary_id: _("penerima manfaat")}
    if case.applicant_id == case.beneficiary_id:
        roles[case.applicant_id] = _("pemohon/penerima manfaat")
    records = (
        Person.history.filter(id__in=set(roles))
        .select_related("history_user", "region", "family")
        .order_by("id", "history_date", "history_id")
    )
    fields = tracked_fields(Person, PERSON_INTERNAL_FIELDS)
    masked = masked_fields(Person)
    events = []
    previous = None
    for record in records:
        old, previous = (previous if previous and previous.id == record.id else None), record
        if old is None or record.history_date < since:
            continue
        changes = field_changes(old, record, fields, masked=masked)
        if not changes:
            continue
        events.append(
            TimelineEvent(
                at=record.history_date,
                actor=record.history_user,
                kind="person_changed",
                summary=_("Data %(role)s diubah: %(name)s")
                % {"role": roles[record.id], "name": record.full_name},
                detail=record.history_change_reason or "",
                changes=changes,
            )
        )
    return events


# --- workflow tasks ------------------------------------------------------------------------


def task_events(items: list, task_records: list) -> list[TimelineEvent]:
    """Each task's end (done or cancelled) and every change of its holder (claimed, assigned,
    released, reassigned), from the tasks and their history records."""
    by_task = {item.pk: item for item in items}
    history: dict[int, list] = defaultdict(list)
    for record in task_records:
        history[record.id].append(record)
    events = [event for item in items if (event := _task_end(item, history[item.pk])) is not None]
    for task_id, records in history.items():
        item = by_task.get(task_id)
        if item is None:
            continue
        for old, new in zip(records, records[1:], strict=False):
            event = _holder_change(item, old, new)
            if event is not None:
                events.append(event)
    return events


def _task_end(item, records: list) -> TimelineEvent | None:
    """The task done (by its holder) or cancelled (by whoever cancelled it); None if open."""
    task = item.task
    kind_label = item.get_kind_display()
    if task.status == STATUS.DONE and task.finished:
        return TimelineEvent(
            at=task.finished,
            actor=task.owner,
            kind="task_done",
            summary=_("Tugas %(kind)s diselesaikan") % {"kind": kind_label},
        )
    if task.status == STATUS.CANCELED:
        canceled = next((r for r in records if r.status == STATUS.CANCELED), None)
        return TimelineEvent(
            at=task.finished or (canceled.history_date if canceled else task.created),
            actor=canceled.history_user if canceled else None,
            kind="task_canceled",
            summary=_("Tugas %(kind)s dibatalkan") % {"kind": kind_label},
        )
    return None


def _holder_change(item, old, new) -> TimelineEvent | None:
    """What one history record changed about the task's holder; None when it did not (or
    when the claim was folded into completing the task)."""
    if old.owner_id == new.owner_id:
        return None
    kind_label = item.get_kind_display()
    actor = new.history_user
    if new.owner_id is None:
        kind = "task_released"
        summary = _("Tugas %(kind)s dikembalikan ke antrean") % {"kind": kind_label}
    elif old.owner_id is None and actor is not None and actor.pk == new.owner_id:
        if _claim_folded(item.task, new):
            return None
        kind = "task_claimed"
        summary = _("Tugas %(kind)s diambil oleh %(user)s") % {
            "kind": kind_label,
            "user": user_name(new.owner),
        }
    elif old.owner_id is None:
        kind = "task_assigned"
        summary = _("Tugas %(kind)s ditugaskan kepada %(user)s") % {
            "kind": kind_label,
            "user": user_name(new.owner),
        }
    else:
        kind = "task_reassigned"
        summary = _("Tugas %(kind)s dialihkan dari %(old)s ke %(new)s") % {
            "kind": kind_label,
            "old": user_name(old.owner),
            "new": user_name(new.owner),
        }
    return TimelineEvent(at=new.history_date, actor=actor, kind=kind, summary=summary)


def _claim_folded(task: Task, claim) -> bool:
    """A claim made by the completing user in the same breath as completing the task."""
    return (
        task.status == STATUS.DONE
        and task.finished is not None
        and task.owner_id == claim.owner_id
        and task.finished - claim.history_date <= CLAIM_FOLDED_INTO_COMPLETION
    )


def user_name(user) -> str:
    if user is None:
        return EMPTY
    if user.get_username() == settings.SYSTEM_USERNAME:
        return _("Sistem")
    return user.get_full_name() or user.get_username()


# --- referrals and deliveries --------------------------------------------------------------


# Status a referral moved to → (event kind, summary). Marked for translation here, translated
# when the timeline is built.
