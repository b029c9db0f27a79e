"""The viewflow flows: one per module, each reading top to bottom like the business process."""

from .case_flow import CaseFlow
from .complaint_flow import ComplaintFlow
from .referral_flow import ReferralFlow

__all__ = ["CaseFlow", "ComplaintFlow", "ReferralFlow"]
