"""Complaint, question or suggestion: handling, response, closure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows import hooks
from workflows.locks import ROW_LOCK
from workflows.models import CaseProcess, ClosureDecision
from workflows.node_views import task_redirect


class ComplaintFlow(flow.Flow):
    """Pengaduan, pertanyaan, saran

    The back office (or the agency it forwards to) handles it, answers the citizen, closes.
    """

    process_class = CaseProcess
    lock_impl = ROW_LOCK

    start = flow.StartHandle(hooks.start_case_process).Next(this.handling)

    handling = (
        flow.View(task_redirect)
        .Annotation(title=_("Penanganan"))
        .onCreate(hooks.task_created)
        .Next(this.response)
    )
    response = (
        flow.View(task_redirect)
        .Annotation(title=_("Jawaban"))
        .onCreate(hooks.task_created)
        .Next(this.closure)
    )
    closure = (
        flow.View(task_redirect)
        .Annotation(title=_("Penutupan"))
        .onCreate(hooks.task_created)
        .Next(this.is_reopened)
    )
    is_reopened = (
        flow.If(lambda act: act.process.closure == ClosureDecision.REOPEN)
        .Then(this.handling)
        .Else(this.end)
    )

    end = flow.End()
