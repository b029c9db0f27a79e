"""Bootstrap classes on every form widget, so templates can render ``{{ field }}`` as is."""

from __future__ import annotations

from django import forms

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        """Add the classes; call again after adding fields in ``__init__``."""
        for field in self.fields.values():
            css = widget_class(field.widget)
            classes = field.widget.attrs.get("class", "").split()
            if css and css not in classes:
                field.widget.attrs["class"] = " ".join([*classes, css])

    def full_clean(self):
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

    def __init__(self, *args, accept: str = "", capture: str = "", **kwargs):
        attrs = {"accept": accept} if accept else {}
        if capture:
            attrs["capture"] = capture
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
