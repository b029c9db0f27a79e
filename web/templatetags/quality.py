"""``{% load quality %}``: the data quality page's numbers (its link in the navigation is
``move_requests.keeps_registry``)."""

from django import template

register = template.Library()


@register.filter
def count_of(counts: dict[str, int], key: str) -> int:
    """One number of a row of the data quality page, by its measure's key."""
    return counts.get(key, 0)
