"""``{% load form_tokens %}{% form_token %}``: the hidden one-time token of a state-changing
form (``cases.form_tokens``)."""

from django import template
from django.utils.html import format_html

from cases.form_tokens import FIELD, token_for_page

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    """``<input type="hidden" name="form_token" value="…">``; the posted token again when
    the page shows a form that came back with errors."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, token_for_page(context["request"])
    )


@register.filter
def pending_uploads_of(field) -> list:
    """The files kept for this bound file field (``cases.pending_uploads``), or []."""
    return getattr(field.form, "pending_uploads", {}).get(field.html_name, [])
