"""``{% load move_requests %}``: whether to show the registry pages (move requests, duplicate
records, imports) in the navigation."""

from django import template

from agencies.models import INTAKE_ROLES, MOVE_DECIDER_ROLES, REGISTRY_DECIDER_ROLES
from agencies.selectors import roles_of
from cases.registry_import.services import may_import

register = template.Library()


@register.filter
def works_on_moves(user) -> bool:
    """True for staff who file move requests (intake roles) or decide them (back office,
    supervisors); read from the request's memberships, no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & (INTAKE_ROLES | MOVE_DECIDER_ROLES))


@register.filter
def keeps_registry(user) -> bool:
    """True for staff who decide on their area's registry (back office, supervisors): the
    duplicate records worklist; no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & REGISTRY_DECIDER_ROLES)


@register.filter
def imports_registry(user) -> bool:
    """True for staff who import registry files (back office, supervisors): the same as
    :func:`keeps_registry` (``cases.registry_import.services.may_import``)."""
    return may_import(user)
