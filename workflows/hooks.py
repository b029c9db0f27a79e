"""Callbacks the flows run at their nodes: start a process, create the work item of a task,
fan out referral flows, gather their results. They run inside the flow's lock and the
service's transaction; the history they write is attributed to the user the service acts
as (``cases.history.acting_as``).
"""

from __future__ import annotations

from django.utils import timezone

from cases.models import Case, CaseKind, Stage
from referrals.models import Referral, ReferralStatus
from referrals.selectors import registry_findings

from .deadlines import deadline_for
from .models import CaseProcess, ReferralProcess, ReferralRoundResult, TaskKind, WorkItem

STAGE_BY_KIND = {
    TaskKind.VERIFICATION: Stage.VERIFICATION,
    TaskKind.ASSESSMENT: Stage.ASSESSMENT,
    TaskKind.HANDLING: Stage.ASSESSMENT,
    TaskKind.SERVICE_DECISION: Stage.SERVICE_DECISION,
    TaskKind.REFERRAL_REVIEW: Stage.REFERRAL,
    TaskKind.APPROVAL: Stage.REFERRAL,
    TaskKind.DELIVERY: Stage.DELIVERY,
    TaskKind.FOLLOW_UP: Stage.FOLLOW_UP,
    TaskKind.RESPONSE: Stage.FOLLOW_UP,
    TaskKind.CLOSURE: Stage.CLOSURE,
}
REFERRAL_KINDS = {TaskKind.REFERRAL_REVIEW, TaskKind.APPROVAL, TaskKind.DELIVERY}


def case_of(process: CaseProcess | ReferralProcess) -> Case:
    return Case.objects.select_related("region", "beneficiary").get(pk=process.case_id)


def referral_of(process: CaseProcess | ReferralProcess) -> Referral | None:
    """The referral a referral flow's process runs for; None for a case flow's."""
    if not isinstance(process, ReferralProcess) or process.referral_id is None:
        return None
    return Referral.objects.select_related("service", "agency").get(pk=process.referral_id)


def start_case_process(activation, *, case: Case, reopened: bool = False) -> CaseProcess:
    process: CaseProcess = activation.process
    process.data = {}
    process.case_id = case.pk
    process.reopened = reopened
    process.artifact = case
    return process


def start_referral_process(activation, *, referral: Referral) -> ReferralProcess:
    process: ReferralProcess = activation.process
    process.data = {}
    process.case_id = referral.case_id
    process.referral_id = referral.pk
    process.artifact = referral
    return process


def check_registry(activation) -> None:
    """Registry check (cek DTKS/DTSEN): store what later steps must see."""
    case = case_of(activation.process)
    case.registry_findings = registry_findings(case)
    case.save(update_fields=["registry_findings"])


def task_created(activation) -> None:
    """Give the new human task its case, queue and stored due date; move the case's stage."""
    kind = activation.flow_task.name
    process = activation.process
    case = case_of(process)
    referral = referral_of(process) if kind in REFERRAL_KINDS else None
    agency = referral.agency if referral else None
    if kind == TaskKind.HANDLING and case.forwarded_agency_id:
        agency = case.forwarded_agency
    now = timezone.now()
    deadline = deadline_for(
        kind,
        start=now,
        region=case.region_id,
        service=referral.service if referral else None,
        agency=agency,
        tier=case.complaint_tier if case.kind != CaseKind.SERVICE_REQUEST else "",
    )
    WorkItem.objects.create(
        task=activation.task,
        kind=kind,
        case=case,
        referral=referral,
        region_id=case.region_id,
        agency=agency,
        created_at=now,
        due_at=deadline.due_at,
        at_risk_at=deadline.at_risk_at,
        round=case.round,
    )
    stage = STAGE_BY_KIND[kind]
    if kind in REFERRAL_KINDS and case.stage == Stage.DELIVERY:
        return  # one referral reaching delivery keeps the case there
    if case.stage != stage:
        case.stage = stage
        case.save(update_fields=["stage"])


def collect_referral_results(activation) -> None:
    """Fan in, once every referral of this round has ended: decide where the case goes."""
    process: CaseProcess = activation.process
    statuses = set(
        Referral.objects.filter(pk__in=process.referral_ids).values_list("status", flat=True)
    )
    if ReferralStatus.REJECTED in statuses:
        process.referrals = ReferralRoundResult.REASSESS
    elif ReferralStatus.DELIVERED in statuses:
        process.referrals = ReferralRoundResult.DELIVERED
    else:
        process.referrals = ReferralRoundResult.NONE
    process.save(update_fields=["data"])
