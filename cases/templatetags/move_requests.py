"""``{% load move_requests %}``: whether to show the move requests (pindah domisili) page."""

from django import template

from agencies.models import INTAKE_ROLES, MOVE_DECIDER_ROLES
from agencies.selectors import roles_of
from cases.registry_import.services import may_import

register = template.Library()


@register.filter
def works_on_moves(user) -> bool:
    """True for staff who file move requests (intake roles) or decide them (back office,
    supervisors); read from the request's memberships, no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & (INTAKE_ROLES | MOVE_DECIDER_ROLES))


@register.filter
def imports_registry(user) -> bool:
    """True for staff who import registry files (back office, supervisors)."""
    return may_import(user)
