"""``{% load move_requests %}``: whether to show the registry pages (move requests, duplicate
records, imports) in the navigation."""

from django import template

from agencies.models import INTAKE_ROLES, MOVE_DECIDER_ROLES, REGISTRY_DECIDER_ROLES
from agencies.selectors import roles_of

register = template.Library()


@register.filter
def works_on_moves(user) -> bool:
    """True for staff who file move requests (intake roles) or decide them (back office,
    supervisors); read from the request's memberships, no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & (INTAKE_ROLES | MOVE_DECIDER_ROLES))


@register.filter
def keeps_registry(user) -> bool:
    """True for staff who keep their area's registry (``REGISTRY_DECIDER_ROLES``: back
    office, supervisors): the data quality, duplicates and import pages; no query of its
    own."""
    return bool(user.is_authenticated and roles_of(user) & REGISTRY_DECIDER_ROLES)
