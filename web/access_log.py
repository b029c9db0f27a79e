"""The access log as supervisors read it on the "Log akses" page and in its export: the
entries in their scope (``cases.selectors.access_log_visible_to``, the admin's rule),
narrowed by a date range (local days, inclusive) and an action."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from agencies.models import Role
from agencies.selectors import roles_of
from cases.models import AccessAction, AccessLog
from cases.selectors import access_log_visible_to
from core.deadlines import local_midnight
from core.forms import validate_year_in_range
from core.spreadsheets import filter_date
from core.types import Viewer

_DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class AccessLogFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("Dari tanggal"), required=False, widget=_DATE, validators=[validate_year_in_range]
    )
    date_to = forms.DateField(
        label=_("Sampai tanggal"), required=False, widget=_DATE, validators=[validate_year_in_range]
    )
    action = forms.ChoiceField(
        label=_("Tindakan"),
        required=False,
        choices=[("", _("Semua tindakan")), *AccessAction.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            message = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
            self.add_error("date_to", forms.ValidationError(message, code="backwards"))
        return data


def may_read_access_log(user: Viewer) -> bool:
    """Supervisors (penyelia) read their area's access log; no one else, on these pages."""
    return Role.SUPERVISOR in roles_of(user)


def access_log_rows(
    user: Viewer, data: QueryDict
) -> tuple[QuerySet[AccessLog], list[tuple[str, str]], AccessLogFilterForm]:
    """The entries the filters in ``data`` pick, newest first, what they were (label and
    value shown) and the bound form. Invalid filters pick nothing (the form says why): an
    audit read never shows more than was asked for."""
    form = AccessLogFilterForm(data)
    rows = access_log_visible_to(user).select_related("user", "case", "person")
    described: list[tuple[str, str]] = []
    if not form.is_valid():
        return rows.none(), described, form
    if form.is_valid():
        picked = form.cleaned_data
        if picked["date_from"]:
            rows = rows.filter(at__gte=local_midnight(picked["date_from"]))
            described.append((str(_("Dari tanggal")), filter_date(picked["date_from"])))
        if picked["date_to"]:
            rows = rows.filter(at__lt=local_midnight(picked["date_to"] + dt.timedelta(days=1)))
            described.append((str(_("Sampai tanggal")), filter_date(picked["date_to"])))
        if picked["action"]:
            rows = rows.filter(action=picked["action"])
            described.append((str(_("Tindakan")), str(AccessAction(picked["action"]).label)))
    return rows.order_by("-at", "-pk"), described, form
