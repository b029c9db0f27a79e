"""Forms: Bootstrap classes on every widget (templates render ``{{ field }}`` as is), and the
one way a page shows a domain error (``add_error_to_form``, ``add_error_to_messages``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from core.errors import DomainError

# The years a filter or a report date may name: a typo such as 0001 or 9999 would overflow
# the time-zone arithmetic (local midnight to UTC) instead of meaning anything.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def validate_year_in_range(value: dt.date) -> None:
    """Refuse a date outside ``FIRST_YEAR``..``LAST_YEAR`` (code ``year_out_of_range``)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            gettext_lazy("Tahun harus antara %(first)s dan %(last)s."),
            code="year_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


_CHECKS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, _CHECKS):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.HiddenInput):
        return ""
    return "form-control"


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes (and ``is-invalid`` once bound with
    errors), so every page looks the same without per-template markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        """Add the classes; call again after adding fields in ``__init__``."""
        for field in self.fields.values():
            css = widget_class(field.widget)
            classes = field.widget.attrs.get("class", "").split()
            if css and css not in classes:
                field.widget.attrs["class"] = " ".join([*classes, css])

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields and not isinstance(self.fields[name].widget, _CHECKS):
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos, front and back of a card); cleans to a list."""

    def __init__(self, *args: Any, accept: str = "", capture: str = "", **kwargs: Any) -> None:
        attrs = {"accept": accept} if accept else {}
        if capture:
            attrs["capture"] = capture
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def add_error_to_form(
    form: forms.BaseForm, error: DomainError, *, rename: Callable[[str], str] | None = None
) -> None:
    """Put a refused action's messages on ``form``, the one way every page does it.

    Each field's messages go on that field when the form has it (``rename`` maps the
    service's field names to the form's, e.g. ``region_code`` -> ``region``), the others and
    a message without field (a 409 or 412) on the form as a whole.
    """
    if not error.field_errors:
        form.add_error(None, error.message)
    for name, texts in error.field_errors.items():
        name = rename(name) if rename else name
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def add_error_to_messages(request: HttpRequest, error: DomainError) -> None:
    """Show a refused action on the next page, for an action without a form of its own (a
    button: claim, assign, waive): its message, or each field's messages."""
    if error.is_refusal or not error.field_errors:
        messages.error(request, error.message)
        return
    for texts in error.field_errors.values():
        for text in texts:
            messages.error(request, text)
