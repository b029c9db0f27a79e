"""Assessment and the referral tasks: sending referrals, the agency's review, approval and
delivery, revoking; waking the case flow when a round of referrals has ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from agencies.models import Agency, Role, Service
from agencies.selectors import covers, needs_service_decision, suggest_agency
from cases.history import acting_as
from cases.models import (
    Case,
    Note,
    NoteKind,
    Outcome,
    Person,
)
from cases.selectors import cases_visible_to, family_of, live_person
from core.errors import NotAllowed, require
from core.types import Actor
from referrals.models import ApprovalDecision, Referral, ReferralStatus, ReviewDecision
from referrals.selectors import delivered_referrals
from referrals.services import (
    ReferralTarget,
    delivery_input_errors,
    delivery_record,
    referral_approval,
    referral_review,
    referral_revoke,
    referrals_send,
)
from workflows import selectors
from workflows.deadlines import deadline_for
from workflows.flows import CaseFlow, ReferralFlow
from workflows.models import (
    OPEN_TASK_STATUSES,
    AssessmentDecision,
    CaseProcess,
    ReferralProcess,
    TaskKind,
    WorkItem,
)
from workflows.services.engine import case_for_update, complete_task_action, given_time, referral_of

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
    actor: Actor,
    task_id: int,
    resolution: str,
    referrals: list[dict] | None = None,
    note: str = "",
) -> WorkItem:
    """Resolve locally (with a note), refer to one or more agencies for services, or (after a
    round that delivered some aid) go on to follow-up.

    Each referral names a service code, optionally an agency code (default: the routing
    rules' suggestion) and a note. Where the case's office keeps the manager's decision
    (``Office.service_decision_step``), the referrals are kept as a recommendation and go
    out only once decided (``decide_services``). ``follow_up`` needs a delivered referral
    on the case. Raises ``WorkflowError`` (400) keyed by field, and what the task engine raises.
    """
    referrals = referrals or []
    errors = _decision_errors(resolution, referrals, note)
    require(errors)

    item = selectors.visible_task(actor, task_id)
    case = item.case
    if resolution == AssessmentDecision.FOLLOW_UP and not delivered_referrals(case).exists():
        errors["resolution"] = [
            _("Belum ada bantuan yang disalurkan untuk kasus ini; pilih rujuk atau selesai.")
        ]
    specs = referrals if resolution == AssessmentDecision.REFER else []
    targets = referral_targets(actor, case, specs, errors)
    require(errors)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        if note.strip():
            Note.objects.create(
                case_id=item.case_id, kind=NoteKind.ASSESSMENT, text=note.strip(), author=actor
            )
        process.assessment = resolution
        process.service_decision = ""
        process.needs_service_decision = bool(targets) and needs_service_decision(
            case.region_id, actor.pk
        )
        if process.needs_service_decision:
            # Penetapan layanan: nothing goes out before the manager decides.
            process.recommended_referrals = [target_spec(target) for target in targets]
            process.referral_ids = []
        else:
            process.recommended_referrals = []
            send_referral_round(actor, case, targets, process)
        if resolution == AssessmentDecision.RESOLVED_LOCALLY:
            fresh = case_for_update(item)
            fresh.outcome = Outcome.RESOLVED_LOCALLY
            fresh.save(update_fields=["outcome"])

    return complete_task_action(actor=actor, task_id=task_id, kind=TaskKind.ASSESSMENT, apply=apply)


def _decision_errors(resolution: str, referrals: list[dict], note: str) -> dict[str, list[str]]:
    """The assessment's decision against what it needs: a note to resolve locally, at least
    one referral to refer."""
    errors: dict[str, list[str]] = {}
    if resolution not in AssessmentDecision.values:
        errors["resolution"] = [_("Pilih 'refer', 'resolved_locally' atau 'follow_up'.")]
    if resolution == AssessmentDecision.RESOLVED_LOCALLY and not note.strip():
        errors["note"] = [_("Catatan penyelesaian lokal wajib diisi.")]
    if resolution == AssessmentDecision.REFER and not referrals:
        errors["referrals"] = [_("Tambahkan minimal satu rujukan.")]
    return errors


# A referral asked for: (service, agency, note, beneficiary).
Target = tuple[Service, Agency, str, Person]


def target_spec(target: Target) -> dict:
    """A target as the assessment takes it in (codes and a person id), to keep as JSON."""
    service, agency, note, beneficiary = target
    return {
        "service": service.code,
        "agency": agency.code,
        "note": note,
        "beneficiary": beneficiary.pk,
    }


def send_referral_round(
    actor: Actor, case: Case, targets: list[Target], process: CaseProcess
) -> None:
    """Send a round of referrals (status ``sent``, each agency given access to the case,
    each answer due by its deadline rule) and note them on the case's process, whose flow
    then starts one referral flow each."""
    now = timezone.now()
    created = referrals_send(
        actor=actor,
        case=case,
        targets=[
            ReferralTarget(
                service,
                agency,
                referral_note,
                *_review_deadline(case, service, agency, now),
                beneficiary=beneficiary,
            )
            for service, agency, referral_note, beneficiary in targets
        ],
    )
    process.referral_ids = [r.pk for r in created]


def referral_targets(
    actor: Actor, case: Case, specs: list[dict], errors: dict[str, list[str]]
) -> list[Target]:
    """Each referral asked for as (service, agency, note, beneficiary): the agency named, or
    the routing rules' suggestion (it must serve the case's regency); the beneficiary named
    (a person id) among the case beneficiary's family card as the actor may see it, else
    the case's beneficiary.
    Errors are keyed ``referrals.<index>.service`` / ``.agency`` / ``.beneficiary``, and
    ``referrals`` for a pair given twice."""
    services = {s.code: s for s in Service.objects.filter(is_active=True)}
    agencies = {a.code: a for a in Agency.objects.filter(is_active=True)}
    family = {person.pk: person for person in family_of(actor, case.beneficiary)}
    targets: list[Target] = []
    for index, spec in enumerate(specs):
        service = services.get(spec.get("service", ""))
        if service is None:
            errors[f"referrals.{index}.service"] = [
                _("Layanan %(code)s tidak dikenal.") % {"code": spec.get("service", "")}
            ]
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
                _("%(service)s: belum ada instansi tujuan di kabupaten/kota kasus; pilih instansi.")
                % {"service": service.display_name}
                if not agency_code
                else _("%(service)s: instansi %(code)s tidak dikenal.")
                % {"service": service.display_name, "code": agency_code}
            ]
            continue
        if agency.regency_id != case.region.regency_code:
            errors[f"referrals.{index}.agency"] = [
                _("%(service)s: instansi harus dari kabupaten/kota kasus.")
                % {"service": service.display_name}
            ]
            continue
        person_id = _person_id(spec.get("beneficiary")) or case.beneficiary_id
        beneficiary = family.get(person_id) or family.get(_kept_record_id(person_id) or 0)
        if beneficiary is None:
            errors[f"referrals.{index}.beneficiary"] = [
                _("%(service)s: penerima harus anggota KK penerima manfaat kasus.")
                % {"service": service.display_name}
            ]
            continue
        targets.append((service, agency, (spec.get("note") or "").strip(), beneficiary))
    pairs = [(service.pk, agency.pk, person.pk) for service, agency, _note, person in targets]
    if len(pairs) != len(set(pairs)):
        errors["referrals"] = [_("Rujukan ganda: layanan dan instansi yang sama.")]
    return targets


def _kept_record_id(person_id: int) -> int | None:
    """For a record merged since it was named (a recommendation waiting for the manager),
    the record it was merged into (``cases.selectors.live_person``); else None."""
    merged = Person.objects.filter(pk=person_id, merged_into__isnull=False).first()
    return live_person(merged).pk if merged is not None else None


def _person_id(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1  # matches nobody: answered as not a family member


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


def review_referral(*, actor: Actor, task_id: int, decision: str, reason: str = "") -> WorkItem:
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
        referral_review(referral_of(item), decision=decision, reason=reason.strip())
        process.review = decision

    return complete_task_action(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.REFERRAL_REVIEW,
        apply=apply,
        then=_resume_case if decision == ReviewDecision.REJECT else None,
    )


def _resume_case(item: WorkItem) -> None:
    _resume_case_when_referrals_end(item.case_id)


def decide_approval(*, actor: Actor, task_id: int, decision: str, note: str = "") -> WorkItem:
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
            referral_of(item), decision=decision, note=note.strip()
        )

    return complete_task_action(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.APPROVAL,
        apply=apply,
        then=_resume_case if decision == ApprovalDecision.REJECT else None,
    )


def record_delivery(
    *,
    actor: Actor,
    task_id: int,
    delivered_at: dt.datetime | None,
    channel: str,
    amount: Any = None,
    items: str = "",
    note: str = "",
    proof: UploadedFile | None = None,
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
    delivered: dt.datetime = given_time(delivered_at)

    def apply(item: WorkItem, process: ReferralProcess) -> None:
        delivery_record(
            actor=actor,
            referral_id=referral_of(item),
            delivered_at=delivered,
            channel=channel,
            amount=parsed_amount,
            items=items,
            note=note,
            proof=proof,
            double_aid_override_reason=double_aid_override_reason,
        )

    return complete_task_action(
        actor=actor, task_id=task_id, kind=TaskKind.DELIVERY, apply=apply, then=_resume_case
    )


def revoke_referral(*, actor: Actor, referral_id: int, reason: str) -> Referral:
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
