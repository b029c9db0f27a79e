"""Penetapan layanan: the manager's decision on the back office's recommendation."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import Note, NoteKind
from core.errors import require
from core.types import Actor
from workflows import selectors
from workflows.models import CaseProcess, ServiceDecision, TaskKind, WorkItem
from workflows.services.engine import complete_task_action
from workflows.services.referral_actions import referral_targets, send_referral_round


def decide_services(
    *,
    actor: Actor,
    task_id: int,
    decision: str,
    referrals: list[dict] | None = None,
    reason: str = "",
) -> WorkItem:
    """Decide the services the back office recommended (penetapan layanan), before any
    referral goes out: the SLRT manager's step, or a village Puskesos coordinator's
    (Kemensos SLRT practice; the office may leave it out, ``Office.service_decision_step``).

    - ``approve``: the recommended referrals go out as they are.
    - ``change``: ``referrals`` go out instead, each as ``complete_assessment`` takes them
      (service code, optional agency code, note, beneficiary id).
    - ``return``: back to the back office's assessment; ``reason`` is required and shown on
      the assessment task.

    ``reason`` (the manager's words) is kept as a note of kind ``decision`` whenever given.
    Only the supervisors of the case's area have the task in their queue. Raises
    ``WorkflowError`` (400) keyed by field (``decision``, ``reason``, ``referrals`` and
    ``referrals.<n>.<field>``), and what the task engine raises (403, 409).
    """
    referrals = referrals or []
    errors: dict[str, list[str]] = {}
    if decision not in ServiceDecision.values:
        errors["decision"] = [_("Pilih 'approve', 'change' atau 'return'.")]
    if decision == ServiceDecision.RETURN and not reason.strip():
        errors["reason"] = [_("Alasan pengembalian ke back office wajib diisi.")]
    if decision == ServiceDecision.CHANGE and not referrals:
        errors["referrals"] = [_("Pilih minimal satu layanan yang ditetapkan.")]
    require(errors)

    item = selectors.visible_task(actor, task_id)
    case = item.case
    specs: list[dict] = []
    if decision == ServiceDecision.APPROVE:
        process = CaseProcess.objects.get(pk=item.task.process_id)
        specs = list(process.recommended_referrals)
    elif decision == ServiceDecision.CHANGE:
        specs = referrals
    targets = referral_targets(actor, case, specs, errors)
    require(errors)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        if reason.strip():
            Note.objects.create(
                case_id=item.case_id,
                kind=NoteKind.SERVICE_DECISION,
                text=reason.strip(),
                author=actor,
            )
        process.service_decision = decision
        if decision != ServiceDecision.RETURN:
            send_referral_round(actor, case, targets, process)

    return complete_task_action(
        actor=actor, task_id=task_id, kind=TaskKind.SERVICE_DECISION, apply=apply
    )
