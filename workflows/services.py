"""Workflow actions: claim, assign, and complete each kind of task; revoke; reopen.

Every action is one transaction under the flow's row lock (``select_for_update`` on
PostgreSQL): the domain records are written (visit, referral, delivery, ...), the decision is
put on the process's typed fields (``CaseProcess``, ``ReferralProcess``: kept in
``process.data``) for the flow's gateways, and viewflow moves on to the next tasks.
Two people acting on one task at once: the first wins, the second gets ``TaskTaken`` or
``TaskNotOpen`` with who holds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task

from agencies.models import Agency, Role, Service
from agencies.selectors import covers, suggest_agency
from cases.access import end_agency_action, grant_agency_access
from cases.attachments import attachment_errors, save_attachment
from cases.history import acting_as
from cases.limits import event_time_errors
from cases.models import (
    AttachmentKind,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    FollowUp,
    FollowUpOutcome,
    HomeVisit,
    Note,
    NoteKind,
    Outcome,
    Recommendation,
    Stage,
)
from cases.selectors import cases_visible_to
from cases.services import IntakeResult, register_case
from core.errors import NotAllowed, TaskNotOpen, TaskTaken, WorkflowError, require
from referrals.models import ApprovalDecision, Referral, ReferralStatus, ReviewDecision
from referrals.services import (
    ReferralTarget,
    delivery_input_errors,
    delivery_record,
    referral_approval,
    referral_review,
    referral_revoke,
    referrals_send,
)

from . import selectors
from .deadlines import deadline_for
from .flows import CaseFlow, ComplaintFlow, ReferralFlow
from .models import (
    OPEN_TASK_STATUSES,
    AssessmentDecision,
    CaseProcess,
    ClosureDecision,
    ReferralProcess,
    TaskKind,
    VerificationResult,
    WorkItem,
)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _given(value: dt.datetime | None) -> dt.datetime:
    """A time the validation above already required (``require`` raised when missing)."""
    assert value is not None
    return value


def _referral_of(item: WorkItem) -> int:
    """The referral a review, approval or delivery task is about (each has one)."""
    assert item.referral_id is not None
    return item.referral_id


def _require_after_opening(item: WorkItem, **event_times: dt.datetime) -> None:
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


def open_case(*, actor: Any, **intake: Any) -> IntakeResult:
    """Open a case (pendaftaran): register it with ``cases.services.register_case`` (whose
    keyword arguments ``intake`` are) and start its flow, in one transaction.

    Raises what ``register_case`` raises: ``IntakeError`` (400, nothing written) or
    ``IntakeConflict`` (409, the same new NIK or KK saved a moment ago at another desk).
    """
    with transaction.atomic():
        result = register_case(actor=actor, **intake)
        start_case_flow(result.case, actor=actor)
    return result


def start_case_flow(case: Case, *, actor, reopened: bool = False) -> None:
    """Start the case's flow (service request or complaint) and link it to the case."""
    flow = CaseFlow if case.kind == CaseKind.SERVICE_REQUEST else ComplaintFlow
    with acting_as(actor):
        process = flow.start.run(case=case, reopened=reopened)
        case.refresh_from_db()
        case.process = process
        case.save(update_fields=["process"])


def _lock(item: WorkItem):
    flow_class = item.task.flow_task.flow_class
    return flow_class.lock(item.task.process_id)


def _fresh_task(item: WorkItem) -> Task:
    task = Task.objects.select_related("process", "owner").get(pk=item.pk)
    if task.status not in OPEN_TASK_STATUSES:
        raise TaskNotOpen(_("Tugas ini sudah selesai atau dibatalkan."))
    return task


@contextmanager
def _locked_task(*, actor, item: WorkItem, take_over: bool = False) -> Iterator[Task]:
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


def _finish(task: Task, *, actor) -> None:
    """Move viewflow on from ``task``, done by ``actor`` (assigned to them first if needed)."""
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(actor)
    elif task.owner_id != actor.pk:
        activation.reassign(actor)
    activation.start(None)
    activation.execute()


def claim_task(*, actor, task_id: int) -> WorkItem:
    """Take an unclaimed task from a queue (ambil tugas)."""
    item = selectors.visible_task(actor, task_id)
    with _locked_task(actor=actor, item=item) as task:
        if task.owner_id != actor.pk:
            task.flow_task.activation_class(task).assign(actor)
    return item


def assign_task(*, actor, task_id: int, assignee) -> WorkItem:
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
    with _locked_task(actor=actor, item=item, take_over=True) as task:
        activation = task.flow_task.activation_class(task)
        if task.owner_id:
            activation.reassign(assignee)
        else:
            activation.assign(assignee)
    return item


def _complete(
    *,
    actor,
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
    ``take_over``: a supervisor's action on a task someone else may hold (``_locked_task``).
    ``item``: the task's work item when the caller has already looked it up.
    """
    item = item or selectors.visible_task(actor, task_id)
    if item.kind != kind:
        raise WorkflowError(
            field_errors={"kind": [_("Tugas ini berjenis %(kind)s.") % {"kind": item.kind}]}
        )
    with _locked_task(actor=actor, item=item, take_over=take_over) as task:
        process = task.coerced_process
        apply(item, process)
        process.save(update_fields=["data"])
        _finish(task, actor=actor)
        if then is not None:
            then(item)
    return item


def _case_for_update(item: WorkItem) -> Case:
    return Case.objects.select_related("beneficiary", "region").get(pk=item.case_id)


# --- service request: verification -------------------------------------------------------


def complete_verification(
    *,
    actor,
    task_id: int,
    visited_at: dt.datetime | None,
    findings: str,
    recommendation: str,
    household_conditions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: list | None = None,
) -> WorkItem:
    """Record the home visit (with photos); ``not_eligible`` sends the case to closure."""
    errors: dict[str, list[str]] = {
        "visited_at": [] if visited_at else [_("Waktu kunjungan wajib diisi.")],
        "findings": [] if findings.strip() else [_("Hasil kunjungan wajib diisi.")],
        "recommendation": []
        if recommendation in Recommendation.values
        else [_("Rekomendasi harus 'eligible' atau 'not_eligible'.")],
    }
    if visited_at:
        errors["visited_at"] += event_time_errors(visited_at)
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Lintang dan bujur diisi berpasangan.")]
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = [_("Lintang harus antara -90 dan 90.")]
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = [_("Bujur harus antara -180 dan 180.")]
    photos = photos or []
    errors["photos"] = [message for photo in photos for message in attachment_errors(photo)]
    require(errors)
    visited: dt.datetime = _given(visited_at)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        _require_after_opening(item, visited_at=visited)
        visit = HomeVisit.objects.create(
            case_id=item.case_id,
            visited_at=visited,
            findings=findings.strip(),
            household_conditions=household_conditions.strip(),
            recommendation=recommendation,
            latitude=latitude,
            longitude=longitude,
            visited_by=actor,
        )
        for photo in photos:
            save_attachment(
                actor=actor,
                case_id=item.case_id,
                upload=photo,
                kind=AttachmentKind.VISIT_PHOTO,
                visit=visit,
            )
        process.verification = recommendation
        if recommendation == Recommendation.NOT_ELIGIBLE:
            case = _case_for_update(item)
            case.outcome = Outcome.REJECTED_AFTER_VERIFICATION
            case.save(update_fields=["outcome"])

    return _complete(actor=actor, task_id=task_id, kind=TaskKind.VERIFICATION, apply=apply)


def waive_verification(*, actor, task_id: int, reason: str) -> WorkItem:
    """A supervisor skips the home visit, with a written reason (e.g. bedridden, disaster)."""
    require({"reason": [] if reason.strip() else [_("Alasan wajib diisi.")]})
    item = selectors.visible_task(actor, task_id)
    if not selectors.supervised_tasks(actor).filter(pk=item.pk).exists():
        raise NotAllowed(_("Hanya penyelia wilayah ini yang dapat meniadakan kunjungan."))
    if item.kind != TaskKind.VERIFICATION:
        raise WorkflowError(field_errors={"kind": [_("Hanya tugas verifikasi.")]})

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = _case_for_update(item)
        case.verification_waiver_reason = reason.strip()
        case.save(update_fields=["verification_waiver_reason"])
        process.verification = VerificationResult.WAIVED

    return _complete(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.VERIFICATION,
        apply=apply,
        take_over=True,
        item=item,
    )


# --- assessment and referrals ------------------------------------------------------------


def _review_deadline(
    case: Case, service: Service, agency: Agency, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """When the agency's answer to a referral sent ``now`` is due, and at risk from."""
    deadline = deadline_for(
        TaskKind.REFERRAL_REVIEW, start=now, region=case.region_id, service=service, agency=agency
    )
    return deadline.due_at, deadline.at_risk_at


def complete_assessment(
    *,
    actor,
    task_id: int,
    resolution: str,
    referrals: list[dict] | None = None,
    note: str = "",
) -> WorkItem:
    """Resolve locally (with a note), or refer to one or more agencies for services.

    Each referral names a service code, optionally an agency code (default: the routing
    rules' suggestion) and a note.
    """
    referrals = referrals or []
    errors: dict[str, list[str]] = {}
    if resolution not in AssessmentDecision.values:
        errors["resolution"] = [_("Pilih 'refer' atau 'resolved_locally'.")]
    if resolution == AssessmentDecision.RESOLVED_LOCALLY and not note.strip():
        errors["note"] = [_("Catatan penyelesaian lokal wajib diisi.")]
    if resolution == AssessmentDecision.REFER and not referrals:
        errors["referrals"] = [_("Tambahkan minimal satu rujukan.")]
    require(errors)

    item = selectors.visible_task(actor, task_id)
    case = item.case
    services = {s.code: s for s in Service.objects.filter(is_active=True)}
    agencies = {a.code: a for a in Agency.objects.filter(is_active=True)}
    targets: list[tuple[Service, Agency, str]] = []
    for index, spec in enumerate(referrals if resolution == AssessmentDecision.REFER else []):
        service = services.get(spec.get("service", ""))
        if service is None:
            errors[f"referrals.{index}.service"] = [_("Layanan tidak dikenal.")]
            continue
        agency_code = spec.get("agency") or ""
        if agency_code:
            agency = agencies.get(agency_code)
        else:
            agency = suggest_agency(
                service=service, ppks_category=case.ppks_category, region=case.region
            )
        if agency is None:
            errors[f"referrals.{index}.agency"] = [
                _("Tidak ada instansi tujuan untuk layanan ini; pilih instansi.")
                if not agency_code
                else _("Instansi tidak dikenal.")
            ]
            continue
        if agency.regency_id != case.region.regency_code:
            errors[f"referrals.{index}.agency"] = [_("Instansi harus dari kabupaten/kota kasus.")]
            continue
        targets.append((service, agency, (spec.get("note") or "").strip()))
    pairs = [(s.pk, a.pk) for s, a, _note in targets]
    if len(pairs) != len(set(pairs)):
        errors["referrals"] = [_("Rujukan ganda: layanan dan instansi yang sama.")]
    require(errors)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        if note.strip():
            Note.objects.create(
                case_id=item.case_id, kind=NoteKind.ASSESSMENT, text=note.strip(), author=actor
            )
        now = timezone.now()
        created = referrals_send(
            actor=actor,
            case=case,
            targets=[
                ReferralTarget(
                    service, agency, referral_note, *_review_deadline(case, service, agency, now)
                )
                for service, agency, referral_note in targets
            ],
        )
        process.assessment = resolution
        process.referral_ids = [r.pk for r in created]
        if resolution == AssessmentDecision.RESOLVED_LOCALLY:
            fresh = _case_for_update(item)
            fresh.outcome = Outcome.RESOLVED_LOCALLY
            fresh.save(update_fields=["outcome"])

    return _complete(actor=actor, task_id=task_id, kind=TaskKind.ASSESSMENT, apply=apply)


def _resume_case_when_referrals_end(case_id: int) -> None:
    """Fan-in: when the last referral of the round has ended, wake the waiting case flow."""
    case = Case.objects.get(pk=case_id)
    if case.process_id is None:
        return
    process: CaseProcess = case.process.coerced  # type: ignore[union-attr]
    pending = Referral.objects.filter(
        pk__in=process.referral_ids,
        status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPROVED],
    )
    if pending.exists():
        return
    waiting = Task.objects.filter(
        process=process, flow_task=CaseFlow.referrals_ended, status__in=OPEN_TASK_STATUSES
    ).first()
    if waiting is not None:
        CaseFlow.referrals_ended.run(waiting)


def review_referral(*, actor, task_id: int, decision: str, reason: str = "") -> WorkItem:
    """The agency accepts the referral, or rejects it with a reason (back to assessment)."""
    require(
        {
            "decision": []
            if decision in ReviewDecision.values
            else [_("Pilih terima atau tolak.")],
            "reason": [_("Alasan penolakan wajib diisi.")]
            if decision == ReviewDecision.REJECT and not reason.strip()
            else [],
        }
    )

    def apply(item: WorkItem, process: ReferralProcess) -> None:
        referral_review(_referral_of(item), decision=decision, reason=reason.strip())
        process.review = decision

    return _complete(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.REFERRAL_REVIEW,
        apply=apply,
        then=_resume_case if decision == ReviewDecision.REJECT else None,
    )


def _resume_case(item: WorkItem) -> None:
    _resume_case_when_referrals_end(item.case_id)


def decide_approval(*, actor, task_id: int, decision: str, note: str = "") -> WorkItem:
    """An approver approves (next level or delivery), rejects (reason) or sends back."""
    require(
        {
            "decision": []
            if decision in ApprovalDecision.values
            else [_("Pilih setujui, tolak, atau kembalikan.")],
            "note": [_("Alasan wajib diisi.")]
            if decision in (ApprovalDecision.REJECT, ApprovalDecision.REVISE) and not note.strip()
            else [],
        }
    )

    def apply(item: WorkItem, process: ReferralProcess) -> None:
        process.approval = referral_approval(
            _referral_of(item), decision=decision, note=note.strip()
        )

    return _complete(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.APPROVAL,
        apply=apply,
        then=_resume_case if decision == ApprovalDecision.REJECT else None,
    )


def record_delivery(
    *,
    actor,
    task_id: int,
    delivered_at: dt.datetime | None,
    channel: str,
    amount: Any = None,
    items: str = "",
    note: str = "",
    proof=None,
    double_aid_override_reason: str = "",
) -> WorkItem:
    """Record the aid as delivered. Refused when the same aid type already reached the same
    person in the same period (from any agency), unless an approver overrides with a reason.
    A ``proof`` (photo or PDF) becomes an attachment of the case (``delivery_proof``).
    """
    errors, parsed_amount = delivery_input_errors(
        delivered_at=delivered_at, channel=channel, amount=amount, items=items, proof=proof
    )
    require(errors)
    delivered: dt.datetime = _given(delivered_at)

    def apply(item: WorkItem, process: ReferralProcess) -> None:
        delivery_record(
            actor=actor,
            referral_id=_referral_of(item),
            delivered_at=delivered,
            channel=channel,
            amount=parsed_amount,
            items=items,
            note=note,
            proof=proof,
            double_aid_override_reason=double_aid_override_reason,
        )

    return _complete(
        actor=actor, task_id=task_id, kind=TaskKind.DELIVERY, apply=apply, then=_resume_case
    )


def revoke_referral(*, actor, referral_id: int, reason: str) -> Referral:
    """The sender withdraws a referral not yet delivered (with a reason)."""
    require({"reason": [] if reason.strip() else [_("Alasan pembatalan wajib diisi.")]})
    referral = (
        Referral.objects.filter(case__in=cases_visible_to(actor), pk=referral_id)
        .select_related("case")
        .first()
    )
    if referral is None:
        raise Referral.DoesNotExist
    if not covers(actor, referral.case.region_id, {Role.BACK_OFFICE, Role.SUPERVISOR}):
        raise NotAllowed(_("Hanya back office atau penyelia pengirim yang dapat membatalkan."))
    with transaction.atomic(), acting_as(actor):
        referral = referral_revoke(referral.pk, reason=reason.strip())
        if referral.process_id:
            ReferralFlow.instance.cancel(referral.process)
        _resume_case_when_referrals_end(referral.case_id)
    return referral


# --- follow-up and closure ---------------------------------------------------------------


def complete_follow_up(
    *, actor, task_id: int, contacted_at: dt.datetime | None, outcome: str, note: str = ""
) -> WorkItem:
    """Record how the family is doing; ``needs_more_help`` returns the case to assessment."""
    require(
        {
            "contacted_at": event_time_errors(contacted_at)
            if contacted_at
            else [_("Waktu kontak wajib diisi.")],
            "outcome": []
            if outcome in FollowUpOutcome.values
            else [_("Hasil: improved, unchanged, worse atau needs_more_help.")],
        }
    )

    contacted: dt.datetime = _given(contacted_at)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        _require_after_opening(item, contacted_at=contacted)
        FollowUp.objects.create(
            case_id=item.case_id,
            contacted_at=contacted,
            outcome=outcome,
            note=note.strip(),
            recorded_by=actor,
        )
        process.follow_up = outcome

    return _complete(actor=actor, task_id=task_id, kind=TaskKind.FOLLOW_UP, apply=apply)


def _final_outcome(case: Case) -> str:
    if case.outcome:
        return case.outcome
    statuses = set(case.referrals.values_list("status", flat=True))
    if ReferralStatus.DELIVERED in statuses:
        others = statuses - {ReferralStatus.DELIVERED, ReferralStatus.REVOKED}
        return Outcome.PARTLY_SERVED if others else Outcome.SERVED
    if case.kind != CaseKind.SERVICE_REQUEST:
        return Outcome.ANSWERED
    return Outcome.REJECTED


def complete_closure(
    *, actor, task_id: int, decision: str, outcome: str = "", note: str = ""
) -> WorkItem:
    """Close the case with an outcome (default: derived from what happened), or reopen it."""
    require(
        {
            "decision": [] if decision in ClosureDecision.values else [_("Pilih tutup atau buka.")],
            "outcome": [_("Hasil tidak dikenal.")]
            if outcome and outcome not in Outcome.values
            else [],
            "note": [_("Alasan membuka kembali wajib diisi.")]
            if decision == ClosureDecision.REOPEN and not note.strip()
            else [],
        }
    )

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = _case_for_update(item)
        if note.strip():
            Note.objects.create(case=case, kind=NoteKind.CLOSURE, text=note.strip(), author=actor)
        if decision == ClosureDecision.CLOSE:
            if case.forwarded_agency is not None:
                end_agency_action(case, case.forwarded_agency, still_open=False)
            case.outcome = outcome or _final_outcome(case)
            case.status = CaseStatus.CLOSED
            case.stage = Stage.CLOSED
            case.closed_at = timezone.now()
        else:
            case.outcome = ""
            case.round += 1
        case.save(update_fields=["outcome", "status", "stage", "closed_at", "round"])
        process.closure = decision
        process.referrals = ""  # blank: the key is dropped, the next round decides anew

    return _complete(actor=actor, task_id=task_id, kind=TaskKind.CLOSURE, apply=apply)


def reopen_case(*, actor, number: str, reason: str) -> Case:
    """A supervisor reopens a closed case: a new round starts at assessment, history kept."""
    require({"reason": [] if reason.strip() else [_("Alasan membuka kembali wajib diisi.")]})
    case = cases_visible_to(actor).filter(number=number).first()
    if case is None:
        raise Case.DoesNotExist
    if not covers(actor, case.region_id, {Role.SUPERVISOR}):
        raise NotAllowed(_("Hanya penyelia yang dapat membuka kembali kasus."))
    with transaction.atomic(), acting_as(actor):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.CLOSED:
            raise WorkflowError(field_errors={"status": [_("Kasus masih berjalan.")]})
        Note.objects.create(case=case, kind=NoteKind.CLOSURE, text=reason.strip(), author=actor)
        case.status = CaseStatus.OPEN
        case.outcome = ""
        case.closed_at = None
        case.round += 1
        case.save(update_fields=["status", "outcome", "closed_at", "round"])
        start_case_flow(case, actor=actor, reopened=True)
    return case


# --- complaint, question, suggestion -----------------------------------------------------


def complete_handling(*, actor, task_id: int, note: str, forward_to_agency: str = "") -> WorkItem:
    """Handle a complaint: record what was done, or forward it to an agency to handle."""
    require({"note": [] if note.strip() else [_("Catatan penanganan wajib diisi.")]})
    agency = None
    if forward_to_agency:
        agency = Agency.objects.filter(code=forward_to_agency, is_active=True).first()
        if agency is None:
            raise WorkflowError(field_errors={"forward_to_agency": [_("Instansi tidak dikenal.")]})

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = _case_for_update(item)
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
    return _complete(actor=actor, task_id=task_id, kind=TaskKind.HANDLING, apply=apply)


def _forward_handling(*, actor, item: WorkItem, apply) -> WorkItem:
    """Complete the back office's handling by re-queueing it to the agency (same task).

    Only someone who may act on the task forwards it (the holder rule of ``_locked_task``):
    a colleague who does not hold the claimed task is refused, and the holder keeps it.
    """
    with _locked_task(actor=actor, item=item) as task:
        apply(item, task.coerced_process)
        # Re-read and lock the row: its history row (old and new agency, by the actor) must
        # hold what is stored, even if an escalation raised its step since it was read.
        item.refresh_from_db(from_queryset=WorkItem.objects.select_for_update())
        item.agency = Case.objects.get(pk=item.case_id).forwarded_agency
        item.save(update_fields=["agency"])
        if task.owner_id:
            task.flow_task.activation_class(task).unassign()
    return item


def complete_response(*, actor, task_id: int, response: str, channel: str) -> WorkItem:
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

    return _complete(actor=actor, task_id=task_id, kind=TaskKind.RESPONSE, apply=apply)
