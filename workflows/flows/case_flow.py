"""Service request (permohonan layanan): from intake to closure.

The decisions that steer the gateways are written to the process's typed fields
(``CaseProcess.verification``, ``.assessment``, ..., kept in ``process.data``) by the service
that completes the task before it moves the flow; the flow itself only reads them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import FollowUpOutcome, Stage
from referrals.models import Referral
from workflows import hooks
from workflows.flows.referral_flow import ReferralFlow
from workflows.locks import ROW_LOCK
from workflows.models import (
    AssessmentDecision,
    CaseProcess,
    ClosureDecision,
    ReferralRoundResult,
    ServiceDecision,
    VerificationResult,
)
from workflows.node_views import task_redirect


def start_referral_flows(activation) -> None:
    """Fan out: one referral flow per referral the assessment created."""
    process: CaseProcess = activation.process
    case = hooks.case_of(process)
    for referral in Referral.objects.filter(pk__in=process.referral_ids):
        referral.process = ReferralFlow.start.run(referral=referral)
        referral.save(update_fields=["process"])
    case.stage = Stage.REFERRAL
    case.save(update_fields=["stage"])


def needs_service_decision(activation) -> bool:
    """A referral recommendation waits for the manager where the handling office says so
    (``CaseProcess.needs_service_decision``, set by the assessment)."""
    process: CaseProcess = activation.process
    return process.assessment == AssessmentDecision.REFER and process.needs_service_decision


class CaseFlow(flow.Flow):
    """Permohonan layanan

    Intake, registry check, home visit, assessment, the manager's decision on the services
    (where the office keeps that step), referrals to agencies, follow-up, closure.
    """

    process_class = CaseProcess
    lock_impl = ROW_LOCK

    start = flow.StartHandle(hooks.start_case_process).Next(this.is_new_round)

    # A reopened case skips intake checks and the visit: it goes back to assessment.
    is_new_round = (
        flow.If(lambda act: not act.process.reopened)
        .Then(this.registry_check)
        .Else(this.assessment)
    )

    registry_check = flow.Function(hooks.check_registry).Next(this.verification)

    verification = (
        flow.View(task_redirect)
        .Annotation(title=_("Verifikasi (kunjungan rumah)"))
        .onCreate(hooks.task_created)
        .Next(this.is_eligible)
    )
    is_eligible = (
        flow.If(lambda act: act.process.verification != VerificationResult.NOT_ELIGIBLE)
        .Then(this.assessment)
        .Else(this.closure)
    )

    assessment = (
        flow.View(task_redirect)
        .Annotation(title=_("Asesmen"))
        .onCreate(hooks.task_created)
        .Next(this.is_referred)
    )
    is_referred = (
        flow.Switch()
        .Case(this.service_decision, needs_service_decision)
        .Case(this.send_referrals, lambda act: act.process.assessment == AssessmentDecision.REFER)
        .Case(this.follow_up, lambda act: act.process.assessment == AssessmentDecision.FOLLOW_UP)
        .Default(this.closure)
    )

    # Penetapan layanan: the manager (a village's Puskesos coordinator) decides the
    # recommended services before any referral goes out, or returns them to the back office.
    service_decision = (
        flow.View(task_redirect)
        .Annotation(title=_("Penetapan layanan"))
        .onCreate(hooks.task_created)
        .Next(this.is_decided)
    )
    is_decided = (
        flow.If(lambda act: act.process.service_decision == ServiceDecision.RETURN)
        .Then(this.assessment)
        .Else(this.send_referrals)
    )

    # One referral flow per referral, running in parallel; the case waits for all of them.
    send_referrals = flow.Function(start_referral_flows).Next(this.referrals_ended)
    referrals_ended = flow.Handle(hooks.collect_referral_results).Next(this.after_referrals)
    after_referrals = (
        flow.Switch()
        .Case(this.assessment, lambda act: act.process.referrals == ReferralRoundResult.REASSESS)
        .Case(this.follow_up, lambda act: act.process.referrals == ReferralRoundResult.DELIVERED)
        .Default(this.closure)
    )

    follow_up = (
        flow.View(task_redirect)
        .Annotation(title=_("Tindak lanjut"))
        .onCreate(hooks.task_created)
        .Next(this.needs_more_help)
    )
    needs_more_help = (
        flow.If(lambda act: act.process.follow_up == FollowUpOutcome.NEEDS_MORE_HELP)
        .Then(this.assessment)
        .Else(this.closure)
    )

    closure = (
        flow.View(task_redirect)
        .Annotation(title=_("Penutupan"))
        .onCreate(hooks.task_created)
        .Next(this.is_reopened)
    )
    is_reopened = (
        flow.If(lambda act: act.process.closure == ClosureDecision.REOPEN)
        .Then(this.assessment)
        .Else(this.end)
    )

    end = flow.End()
