"""Dates kept as ISO text (in JSON: registry findings, double-aid data) shown as people read
them, in the active language: ``{{ aid.delivered_at|iso_date }}`` → ``3 Nov 2026``."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.dateparse import parse_date
from django.utils.formats import date_format

register = template.Library()


@register.filter
def iso_date(value: object) -> str:
    """``2026-11-03`` (or a date) as ``3 Nov 2026`` / ``3 Nov 2026`` in the active language;
    anything that is not a date is shown as it is."""
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    parsed = parse_date(str(value or "")[:10]) if value else None
    return date_format(parsed, "j M Y") if parsed else str(value or "")
