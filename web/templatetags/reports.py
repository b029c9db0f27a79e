"""Who sees the report links in the navigation."""

from __future__ import annotations

from django import template

from agencies.selectors import roles_of
from workflows.report_forms import RECAP_ROLES

register = template.Library()


@register.filter
def reads_recap(user) -> bool:
    """True for those who open the monthly recap (``RECAP_ROLES``); no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & RECAP_ROLES)
