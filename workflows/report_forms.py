"""The dashboard's and the monthly recap's choosers: a date range or a month, and a region
among the user's own areas (and the offices inside them). Both read GET, so a report's
address can be bookmarked and shared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Office, Region, RegionLevel, Role
from agencies.selectors import areas_of
from core.forms import validate_year_in_range
from core.types import Viewer

# Who opens the monthly recap: supervisors and the back office, over their own areas.
RECAP_ROLES = frozenset({Role.SUPERVISOR, Role.BACK_OFFICE})
DEFAULT_WEEKS = 8
MAX_DAYS = 366


def area_choices(user: Viewer, roles: Collection[str]) -> list[tuple[str, str]]:
    """The user's areas in ``roles``, each followed by the districts (kecamatan) inside it
    and the active offices inside it (a regency's SLRT, a village's Puskesos), by code; two
    queries."""
    areas = sorted(set(areas_of(user, roles)))
    if not areas:
        return []
    districts = Q(level=RegionLevel.DISTRICT) & Region.regions_within_any_q(areas)
    names = dict(Region.objects.filter(Q(code__in=areas) | districts).values_list("code", "name"))
    offices = Office.objects.filter(Region.within_any_q(areas, "area"), is_active=True)
    choices = {code: names.get(code, code) for code in areas}
    choices.update({code: f"— {name}" for code, name in names.items() if code not in choices})
    for code, name, area_name in offices.values_list("area_id", "name", "area__name"):
        choices.setdefault(code, f"{name} ({area_name})")
    return sorted(choices.items())


class RegionChoiceForm(forms.Form):
    region = forms.ChoiceField(
        label=gettext_lazy("Wilayah"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Wilayah ini bukan wilayah kerja Anda: pilih salah satu dari daftar."
            )
        },
    )

    def __init__(self, data, *, user: Viewer, roles: Collection[str]):
        super().__init__(data)
        self.area_choices = area_choices(user, roles)
        self.fields["region"].choices = [("", _("Semua wilayah saya"))] + self.area_choices

    def clean_region(self) -> str:
        return self.cleaned_data.get("region") or ""


class DashboardForm(RegionChoiceForm):
    """``from`` and ``to`` (local dates, inclusive; by default the last eight weeks, Monday
    to today) and ``region``."""

    from_ = forms.DateField(
        label=gettext_lazy("Dari tanggal"), required=False, validators=[validate_year_in_range]
    )
    to = forms.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, validators=[validate_year_in_range]
    )

    def __init__(self, data, *, user: Viewer, roles: Collection[str]):
        data = data.copy() if data is not None else {}
        if "from" in data:
            data["from_"] = data.get("from")
        super().__init__(data, user=user, roles=roles)

    def clean(self) -> dict:
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("to") or today
        start = cleaned.get("from_") or default_start(end)
        if "from_" in self.errors or "to" in self.errors:
            return cleaned
        if start > end:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum atau sama dengan tanggal akhir.")
            )
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("Rentang paling panjang %(days)s hari.") % {"days": MAX_DAYS}
            )
        cleaned["from_"], cleaned["to"] = start, end
        return cleaned


def default_start(end: dt.date) -> dt.date:
    """The Monday seven weeks before ``end``'s: eight whole weeks with ``end``'s."""
    return end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=DEFAULT_WEEKS - 1)


class RecapForm(RegionChoiceForm):
    """``month`` (YYYY-MM, by default the last whole month) and ``region`` (required, but
    by default the user's area when they have only one)."""

    month = forms.DateField(
        label=gettext_lazy("Bulan"),
        input_formats=["%Y-%m"],
        required=False,
        validators=[validate_year_in_range],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, data, *, user: Viewer, roles: Collection[str]):
        super().__init__(data, user=user, roles=roles)
        self.fields["region"].choices = self.area_choices
        self.fields["region"].required = True
        areas = set(areas_of(user, roles))
        if self.is_bound and not self.data.get("region") and len(areas) == 1:
            self.data = self.data.copy()
            self.data["region"] = areas.pop()

    def clean_month(self) -> dt.date:
        month = self.cleaned_data.get("month")
        this_month = timezone.localdate().replace(day=1)
        if month is None:
            return (this_month - dt.timedelta(days=1)).replace(day=1)
        if month > this_month:
            raise forms.ValidationError(_("Bulan belum berjalan."))
        return month.replace(day=1)
