"""One referral (rujukan) to one agency: review, approval chain, delivery."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from referrals.models import ApprovalOutcome, ReviewDecision
from workflows import hooks
from workflows.locks import ROW_LOCK
from workflows.models import ReferralProcess
from workflows.node_views import task_redirect


class ReferralFlow(flow.Flow):
    """Rujukan

    The receiving agency accepts or rejects, its approvers decide, its staff deliver.
    """

    process_class = ReferralProcess
    lock_impl = ROW_LOCK

    start = flow.StartHandle(hooks.start_referral_process).Next(this.referral_review)

    referral_review = (
        flow.View(task_redirect)
        .Annotation(title=_("Tanggapan rujukan"))
        .onCreate(hooks.task_created)
        .Next(this.is_accepted)
    )
    is_accepted = (
        flow.If(lambda act: act.process.review == ReviewDecision.ACCEPT)
        .Then(this.approval)
        .Else(this.end)
    )

    # One approval task per level of the service's approval chain.
    approval = (
        flow.View(task_redirect)
        .Annotation(title=_("Persetujuan"))
        .onCreate(hooks.task_created)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.Switch()
        .Case(this.referral_review, lambda act: act.process.approval == ApprovalOutcome.REVISE)
        .Case(this.approval, lambda act: act.process.approval == ApprovalOutcome.NEXT_LEVEL)
        .Case(this.delivery, lambda act: act.process.approval == ApprovalOutcome.APPROVE)
        .Default(this.end)
    )

    delivery = (
        flow.View(task_redirect)
        .Annotation(title=_("Penyaluran"))
        .onCreate(hooks.task_created)
        .Next(this.end)
    )

    end = flow.End()
