"""``{% load quality %}``: the data quality page's numbers, and whether to show its link in
the navigation."""

from django import template

from agencies.models import REGISTRY_DECIDER_ROLES
from agencies.selectors import roles_of

register = template.Library()


@register.filter
def count_of(counts: dict[str, int], key: str) -> int:
    """One number of a row of the data quality page, by its measure's key."""
    return counts.get(key, 0)


@register.filter
def watches_data_quality(user) -> bool:
    """True for the back office and supervisors (``REGISTRY_DECIDER_ROLES``); read from the
    request's memberships, no query of its own."""
    return bool(user.is_authenticated and roles_of(user) & REGISTRY_DECIDER_ROLES)
