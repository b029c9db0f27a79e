"""The case list's filters and sorts: one FilterSet for the staff page (``web.case_pages.home``),
the API list (``/api/v1/cases/``) and the exports, over ``web.selectors.case_list`` rows.

The parameters are the URL contract of issue 15 (bookmarkable, linked from the dashboard):
``q region kind channel service agency stage status outcome opened_from opened_to closed_from
closed_to overdue at_risk mine sort``. A value the form refuses (a bad date, an unknown code,
a range that ends before it starts) is an error naming its field, never ignored. A NIK or KK
number is never a URL parameter: ``q`` holds one only in a POSTed search
(``allow_number_search``).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region, RegionLevel, Role, Service
from agencies.selectors import areas_of
from cases.models import Case, CaseKind, CaseStatus, Channel, Outcome, Stage
from cases.nik import holds_id_number, mask_id_numbers_in
from cases.selectors import search_cases
from core.deadlines import at_risk_q, local_midnight, overdue_q
from core.forms import validate_year_in_range
from core.spreadsheets import filter_date
from core.types import Viewer
from referrals.models import Referral
from web.selectors import case_list
from workflows.models import WorkItem

NUMBER_IN_URL = _(
    "NIK atau nomor KK tidak boleh ada di alamat (URL): cari lewat kotak pencarian "
    "(POST /api/v1/cases/search/)."
)
RANGE_BACKWARDS = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
NOT_A_FLAG = _("Nilai tidak dikenal: pakai true atau false.")
DATE_FORMAT = "%Y-%m-%d"
SEARCH_MAX_LENGTH = 100
ANY_VALUE = _("Semua")

# sort value -> (label, ordering). Cases without an open task's deadline come last either way.
SORTS = {
    "-opened": (_("Terbaru dibuka"), [F("opened_at").desc(), F("pk").desc()]),
    "opened": (_("Terlama dibuka"), [F("opened_at").asc(), F("pk").asc()]),
    "due": (_("Tenggat terdekat"), [F("next_due").asc(nulls_last=True), F("pk").desc()]),
    "-due": (_("Tenggat terjauh"), [F("next_due").desc(nulls_last=True), F("pk").desc()]),
    "-updated": (_("Baru diubah"), [F("updated_at").desc(), F("pk").desc()]),
    "updated": (_("Lama tidak diubah"), [F("updated_at").asc(), F("pk").asc()]),
}
DEFAULT_SORT = "-opened"


class FlagField(forms.Field):
    """``true``/``1`` or ``false``/``0``; empty means "not filtered"; anything else an error."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1", "on"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(NOT_A_FLAG, code="invalid")


class FlagFilter(django_filters.Filter):
    field_class = FlagField


class CaseListForm(forms.Form):
    """The filter form's checks across fields: date ranges, and no NIK/KK in a URL."""

    allow_number_search = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_q(self) -> str:
        q = (self.cleaned_data.get("q") or "").strip()
        if holds_id_number(q) and not self.allow_number_search:
            raise forms.ValidationError(NUMBER_IN_URL, code="number_in_url")
        return q

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for start, end in (("opened_from", "opened_to"), ("closed_from", "closed_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, forms.ValidationError(RANGE_BACKWARDS, code="backwards"))
        return data


def _date_filter(label: Any, method: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        method=method,
        input_formats=[DATE_FORMAT],
        validators=[validate_year_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def user_areas(user: Viewer) -> list[str]:
    """The areas of all of the user's active memberships (what the region choices cover)."""
    return areas_of(user, set(Role.values))


def region_choices(user: Viewer, chosen: str = "") -> list[tuple[str, str]]:
    """The user's own areas above district level (a regency: the dashboard's links name
    it), the districts within the user's areas or holding one (a village officer's
    district: the dashboard's district rows link it; the list stays within the user's
    scope), and under the chosen district (or the chosen village's) its villages within
    the user's areas."""
    areas = user_areas(user)
    inside = Region.regions_within_any_q(areas)
    district = ".".join(chosen.split(".")[:3]) if chosen.count(".") >= 2 else ""
    above = [a for a in areas if a.count(".") < 2]  # a regency (the dashboard links it)
    around = [".".join(a.split(".")[:3]) for a in areas if a.count(".") == 3]  # a village's
    wanted = Q(level=RegionLevel.DISTRICT) | Q(code__in=above)
    inside |= Q(code__in=around)
    if district:
        wanted |= Q(level=RegionLevel.VILLAGE, parent_id=district)
    rows = Region.objects.filter(inside & wanted).order_by("code").values_list("code", "name")
    return [(code, f"— {name}" if code.count(".") == 3 else name) for code, name in rows]


def agencies_for(user: Viewer) -> QuerySet[Agency]:
    """Agencies of the regencies the user works in (an area at province level: its regencies)."""
    areas = user_areas(user)
    q = Q(pk__in=[])
    for area in areas:
        regency = ".".join(area.split(".")[:2])
        q |= Q(regency_id=regency) if "." in area else Q(regency_id__startswith=area + ".")
    return Agency.objects.filter(q).order_by("name")


class CaseListFilter(django_filters.FilterSet):
    """The case list's filters (see the module docstring for the parameters)."""

    q = django_filters.CharFilter(
        label=_("Cari"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Case number or name (a NIK/KK only by POST)",
    )
    region = django_filters.ChoiceFilter(
        label=_("Wilayah"), method="in_region", help_text="District or village code"
    )
    kind = django_filters.ChoiceFilter(label=_("Jenis"), choices=CaseKind.choices)
    channel = django_filters.ChoiceFilter(label=_("Saluran"), choices=Channel.choices)
    service = django_filters.ModelChoiceFilter(
        label=_("Layanan"),
        queryset=Service.objects.order_by("name"),
        to_field_name="code",
        method="with_service",
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        method="with_agency",
    )
    stage = django_filters.ChoiceFilter(label=_("Tahap"), choices=Stage.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    outcome = django_filters.ChoiceFilter(label=_("Hasil"), choices=Outcome.choices)
    opened_from = _date_filter(_("Dibuka sejak"), "opened_since")
    opened_to = _date_filter(_("Dibuka sampai"), "opened_until")
    closed_from = _date_filter(_("Ditutup sejak"), "closed_since")
    closed_to = _date_filter(_("Ditutup sampai"), "closed_until")
    overdue = FlagFilter(label=_("Ada tugas terlambat"), method="with_overdue_task")
    at_risk = FlagFilter(label=_("Ada tugas berisiko terlambat"), method="with_task_at_risk")
    mine = FlagFilter(label=_("Kasus yang saya buka"), method="opened_by_me")
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan"),
        choices=[(value, label) for value, (label, _order) in SORTS.items()],
        method="sorted_by",
        empty_label=None,
    )

    class Meta:
        model = Case
        fields: list[str] = []
        form = CaseListForm

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet[Case] | None = None,
        *,
        request: HttpRequest | None = None,
        user: Viewer | None = None,
        allow_number_search: bool = False,
        **kwargs: Any,
    ) -> None:
        # The API's filter backend passes the request; the page and exports pass the user.
        if user is None:
            assert request is not None, "CaseListFilter needs the user or the request"
            user = request.user
        self.user: Viewer = user
        self.allow_number_search = allow_number_search
        if queryset is None:
            queryset = case_list(self.user)
        super().__init__(data, queryset, request=request, **kwargs)
        chosen = str(data.get("region", "")).strip() if data is not None else ""
        # Read when the form validates a region or is drawn: the API without one asks nothing.
        user = self.user
        self.filters["region"].extra["choices"] = functools.cache(
            lambda: region_choices(user, chosen)
        )
        self.filters["agency"].queryset = agencies_for(self.user)
        for name, item in self.filters.items():
            if (name != "sort" and "choices" in item.extra) or name in ("service", "agency"):
                item.extra["empty_label"] = ANY_VALUE

    @property
    def form(self) -> CaseListForm:
        form = super().form
        form.allow_number_search = self.allow_number_search
        return form

    # --- the filters' methods ---------------------------------------------------------------

    def search(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return search_cases(queryset, value)

    def in_region(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(Region.within_q(value))

    def with_service(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        referred = Referral.objects.filter(service=value).values("case_id")
        requested = Case.requested_services.through.objects.filter(service=value)
        return queryset.filter(Q(pk__in=referred) | Q(pk__in=requested.values("case_id")))

    def with_agency(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        """Cases referred to the agency (and complaints forwarded to it)."""
        referred = Referral.objects.filter(agency=value).values("case_id")
        return queryset.filter(Q(pk__in=referred) | Q(forwarded_agency=value))

    def opened_since(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(opened_at__gte=local_midnight(value))

    def opened_until(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(opened_at__lt=local_midnight(value + dt.timedelta(days=1)))

    def closed_since(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(closed_at__gte=local_midnight(value))

    def closed_until(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(closed_at__lt=local_midnight(value + dt.timedelta(days=1)))

    def _open_tasks(self, condition: Q) -> Exists:
        """Open tasks of the row's case meeting ``condition``; with ``agency``, its tasks."""
        tasks = WorkItem.objects.open().filter(condition, case=OuterRef("pk"))
        agency = self.form.cleaned_data.get("agency")
        return Exists(tasks.filter(agency=agency) if agency else tasks)

    def with_overdue_task(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        overdue = self._open_tasks(overdue_q(timezone.now()))
        return queryset.filter(overdue if value else ~overdue)

    def with_task_at_risk(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        at_risk = self._open_tasks(at_risk_q(timezone.now()))
        return queryset.filter(at_risk if value else ~at_risk)

    def opened_by_me(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(opened_by=self.user.pk) if value else queryset

    def sorted_by(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.order_by(*SORTS[value][1])


# The URL parameters, in the form's order (``page`` aside).
FILTER_NAMES = list(CaseListFilter.base_filters)


def filter_cases(
    user: Viewer, data: QueryDict | None, *, allow_number_search: bool = False
) -> CaseListFilter:
    """The filtered case list for ``user``: ``.qs`` (rows of ``web.selectors.case_list``),
    ``.form`` (with errors naming their field), ``.is_valid()``. ``allow_number_search``:
    the search came by POST, so ``q`` may hold a NIK or KK number."""
    return CaseListFilter(data or QueryDict(), user=user, allow_number_search=allow_number_search)


def _shown(filterset: CaseListFilter, name: str, value: Any) -> str:
    """A filter's value as a person reads it: names for codes, dates in words."""
    if name == "q":
        return mask_id_numbers_in(value)
    if name == "region":
        region = Region.objects.filter(code=value).values_list("name", flat=True).first()
        return f"{region} ({value})" if region else value
    if isinstance(value, Agency):
        return value.name
    if isinstance(value, Service):
        return value.display_name
    if isinstance(value, dt.date):
        return filter_date(value)
    if isinstance(value, bool):
        return str(_("Ya") if value else _("Tidak"))
    if name == "sort":
        return str(SORTS[value][0])
    choices = dict(filterset.filters[name].extra.get("choices") or [])
    return str(choices.get(value, value))


def describe_filters(filterset: CaseListFilter) -> list[tuple[str, str]]:
    """(label, value) of each filter in use, in the user's language, for an export's first
    line. A NIK or KK searched is shown masked. Call after ``is_valid()``."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    rows = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "") or (name == "mine" and value is False):
            continue
        rows.append((str(filterset.filters[name].label), _shown(filterset, name, value)))
    return rows
