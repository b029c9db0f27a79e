"""``{% load agency_queue %}``: whether to show the agency queue in the navigation."""

from django import template

from workflows.selectors import has_agency_queue as _has_agency_queue

register = template.Library()


@register.filter
def has_agency_queue(user) -> bool:
    """True for active agency staff and approvers (one query per request at most)."""
    return _has_agency_queue(user)
