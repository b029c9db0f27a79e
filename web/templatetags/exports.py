"""``{% load exports %}``: whether to show the access log in the navigation."""

from django import template

from web.access_log import may_read_access_log

register = template.Library()


@register.filter
def reads_access_log(user) -> bool:
    """Supervisors (no query: the request's memberships are read once)."""
    return may_read_access_log(user)
