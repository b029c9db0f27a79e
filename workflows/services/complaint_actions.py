"""The complaint, question and suggestion tasks: handling (or forwarding to an agency) and
the answer to the citizen; editing a case, whose complaint tier sets those tasks' deadlines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from cases.access import grant_agency_access
from cases.history import acting_as
from cases.models import (
    Case,
    Channel,
    ComplaintTier,
    Note,
    NoteKind,
)
from cases.services import update_case
from core.errors import WorkflowError, require
from core.types import Actor
from workflows import selectors
from workflows.deadlines import recompute_open_deadlines
from workflows.models import (
    CaseProcess,
    TaskKind,
    WorkItem,
)
from workflows.services.engine import case_for_update, complete_task_action, locked_task

# --- complaint, question, suggestion -----------------------------------------------------


def complete_handling(
    *, actor: Actor, task_id: int, note: str, forward_to_agency: str = ""
) -> WorkItem:
    """Handle a complaint: record what was done, or forward it to an agency to handle."""
    require({"note": [] if note.strip() else [_("Catatan penanganan wajib diisi.")]})
    agency = None
    if forward_to_agency:
        agency = Agency.objects.filter(code=forward_to_agency, is_active=True).first()
        if agency is None:
            raise WorkflowError(field_errors={"forward_to_agency": [_("Instansi tidak dikenal.")]})

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = case_for_update(item)
        if agency is not None and agency.regency_id != case.region.regency_code:
            raise WorkflowError(
                field_errors={"forward_to_agency": [_("Instansi harus dari kabupaten/kota kasus.")]}
            )
        Note.objects.create(case=case, kind=NoteKind.HANDLING, text=note.strip(), author=actor)
        if agency is not None:
            case.forwarded_agency = agency
            case.save(update_fields=["forwarded_agency"])
            grant_agency_access(case, agency)
            process.forwarded = agency.code

    item = selectors.visible_task(actor, task_id)
    if agency is not None and item.agency_id is None and item.kind == TaskKind.HANDLING:
        # Forwarding: the agency gets its own handling task; this one is done.
        return _forward_handling(actor=actor, item=item, apply=apply)
    return complete_task_action(actor=actor, task_id=task_id, kind=TaskKind.HANDLING, apply=apply)


def _forward_handling(
    *, actor: Actor, item: WorkItem, apply: Callable[[WorkItem, Any], Any]
) -> WorkItem:
    """Complete the back office's handling by re-queueing it to the agency (same task).

    Only someone who may act on the task forwards it (the holder rule of ``locked_task``):
    a colleague who does not hold the claimed task is refused, and the holder keeps it.
    """
    with locked_task(actor=actor, item=item) as task:
        apply(item, task.coerced_process)
        # Re-read and lock the row: its history row (old and new agency, by the actor) must
        # hold what is stored, even if an escalation raised its step since it was read.
        item.refresh_from_db(from_queryset=WorkItem.objects.select_for_update())
        item.agency = Case.objects.get(pk=item.case_id).forwarded_agency
        item.save(update_fields=["agency"])
        if task.owner_id:
            task.flow_task.activation_class(task).unassign()
    return item


def complete_response(*, actor: Actor, task_id: int, response: str, channel: str) -> WorkItem:
    """Record the answer given to the citizen and the channel used."""
    require(
        {
            "response": [] if response.strip() else [_("Jawaban wajib diisi.")],
            "channel": [] if channel in Channel.values else [_("Saluran tidak dikenal.")],
        }
    )

    def apply(item: WorkItem, process: CaseProcess) -> None:
        Note.objects.create(
            case_id=item.case_id,
            kind=NoteKind.RESPONSE,
            text=response.strip(),
            channel=channel,
            author=actor,
        )

    return complete_task_action(actor=actor, task_id=task_id, kind=TaskKind.RESPONSE, apply=apply)


def edit_case(*, actor: Actor, case: Case, changes: dict, expected_etag: str | None = None) -> Case:
    """Edit a case's priority, description or complaint tier (``cases.services.update_case``:
    case team only, ``If-Match`` compared under the row lock), in one transaction with its
    consequence: a new complaint tier counts the due dates of the case's open tasks again
    from when each was created (2, 5, 14 or 60 working days), the change in their history.

    Raises what ``update_case`` raises: ``NotAllowed`` (403), ``IntakeError`` (400, e.g. a
    tier on a service request), ``PreconditionFailed`` (412).
    """
    with transaction.atomic():
        # Read under the row lock: an edit saved a moment ago must not hide this change.
        before = (
            Case.objects.select_for_update()
            .values_list("complaint_tier", flat=True)
            .get(pk=case.pk)
        )
        case = update_case(actor=actor, case=case, changes=changes, expected_etag=expected_etag)
        if case.complaint_tier != before:
            reason = _("Tingkat pengaduan diubah: %(old)s menjadi %(new)s.") % {
                "old": ComplaintTier(before).label,
                "new": case.get_complaint_tier_display(),
            }
            with acting_as(actor):
                recompute_open_deadlines(WorkItem.objects.filter(case=case), reason=reason)
    return case
