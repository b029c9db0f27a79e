"""Workflow actions: claim, assign, and complete each kind of task; revoke; reopen.

Every action is one transaction under the flow's row lock (``select_for_update`` on
PostgreSQL): the domain records are written (visit, referral, delivery, ...), the decision is
put on the process's typed fields (``CaseProcess``, ``ReferralProcess``: kept in
``process.data``) for the flow's gateways, and viewflow moves on to the next tasks.
Two people acting on one task at once: the first wins, the second gets ``TaskTaken`` or
``TaskNotOpen`` with who holds it.
"""

from workflows.services.case_actions import (
    complete_closure,
    complete_follow_up,
    complete_verification,
    open_case,
    reopen_case,
    start_case_flow,
    waive_verification,
)
from workflows.services.complaint_actions import complete_handling, complete_response, edit_case
from workflows.services.decision_actions import decide_services
from workflows.services.engine import assign_task, claim_task
from workflows.services.referral_actions import (
    complete_assessment,
    decide_approval,
    record_delivery,
    review_referral,
    revoke_referral,
)

__all__ = [
    "assign_task",
    "claim_task",
    "complete_closure",
    "complete_follow_up",
    "complete_verification",
    "open_case",
    "reopen_case",
    "start_case_flow",
    "waive_verification",
    "complete_assessment",
    "decide_services",
    "decide_approval",
    "record_delivery",
    "review_referral",
    "revoke_referral",
    "complete_handling",
    "complete_response",
    "edit_case",
]
