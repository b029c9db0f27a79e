"""Dasbor wilayah: the figures of ``workflows.dashboard`` for a date range and a region of the
user's, each number a link to the case list showing the cases it counts (the case list's
URL contract: ``stage``, ``status``, ``region``, ``agency``, ``overdue=true``,
``at_risk=true``, ``opened_from``/``opened_to``, ``closed_from``/``closed_to``), a chart of
cases opened and closed per week and of referrals answered on time per agency (Chart.js,
vendored; data passed with ``json_script``, drawn by ``static/js/dashboard_charts.js``), with
tables of the same numbers, and the overdue tasks to hand on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from agencies.models import Role
from cases.models import Stage
from workflows import selectors
from workflows.dashboard import dashboard_figures
from workflows.report_forms import DashboardForm

ALL_ROLES = frozenset(Role.values)


def case_list_url(region: str = "", **params: object) -> str:
    """The case list filtered by ``params`` (dates as YYYY-MM-DD) within ``region``."""
    query = {"region": region, **params}
    encoded = urlencode(
        {
            key: value.isoformat() if isinstance(value, dt.date) else value
            for key, value in query.items()
            if value not in ("", None)
        }
    )
    return f"{reverse('home')}?{encoded}" if encoded else reverse("home")


def narrower(selected: str, area: str | None) -> str:
    """The smaller of two nested areas: a village chosen inside a district stays the village."""
    if not area:
        return selected
    return selected if selected.startswith(area + ".") else area


def _links(data: dict) -> dict:
    region, start, end = data["region"], data["start"], data["end"]
    stages = [
        (label, data["by_stage"].get(value, 0), case_list_url(region, stage=value))
        for value, label in Stage.choices
    ]
    for row in data["by_agency"]:
        code = row["agency__code"]
        row["overdue_url"] = case_list_url(region, agency=code, overdue="true")
        row["at_risk_url"] = case_list_url(region, agency=code, at_risk="true")
    for row in data["by_district"]:
        area = narrower(region, row["region__parent_id"])
        row["overdue_url"] = case_list_url(area, overdue="true")
        row["at_risk_url"] = case_list_url(area, at_risk="true")
    for week in data["weeks"]:
        week["opened_url"] = case_list_url(
            region, opened_from=week["first"], opened_to=week["last"]
        )
        week["closed_url"] = case_list_url(
            region, closed_from=week["first"], closed_to=week["last"]
        )
    return {
        "stages": stages,
        "open_url": case_list_url(region, status="open"),
        "overdue_url": case_list_url(region, overdue="true"),
        "at_risk_url": case_list_url(region, at_risk="true"),
        "opened_url": case_list_url(region, opened_from=start, opened_to=end),
        "closed_url": case_list_url(region, closed_from=start, closed_to=end),
    }


def chart_data(data: dict) -> dict:
    """What ``dashboard_charts.js`` draws: cases opened and closed per week, and per agency
    the referrals answered on time and those late (answered late, or unanswered past due)
    over the range's months; with the labels in the reader's language."""
    on_time: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    for row in data["kpis"]:
        on_time[row["agency_name"]] += row["answered_on_time"]
        late[row["agency_name"]] += row["due"] - row["answered_on_time"]
    agencies = sorted(on_time)
    return {
        "weeks": [formats.date_format(w["week"], "j M") for w in data["weeks"]],
        "opened": [w["opened"] for w in data["weeks"]],
        "closed": [w["closed"] for w in data["weeks"]],
        "agencies": agencies,
        "on_time": [on_time[name] for name in agencies],
        "late": [late[name] for name in agencies],
        "labels": {
            "opened": _("Dibuka"),
            "closed": _("Selesai"),
            "on_time": _("Dijawab tepat waktu"),
            "late": _("Terlambat"),
        },
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Supervisor's view of the region: stages, late work by agency and district, trends
    and the agencies' KPIs over a date range. A range or region not accepted answers 400
    with the form's message and no figures."""
    form = DashboardForm(request.GET, user=request.user, roles=ALL_ROLES)
    if not form.is_valid():
        return render(request, "workflows/dashboard.html", {"form": form}, status=400)
    data = dashboard_figures(
        request.user,
        start=form.cleaned_data["from_"],
        end=form.cleaned_data["to"],
        region=form.cleaned_data["region"],
    )
    return render(
        request,
        "workflows/dashboard.html",
        {
            "form": form,
            "data": data,
            "links": _links(data),
            "chart": chart_data(data),
            "overdue_rows": selectors.overdue_for_supervisor(request.user),
        },
    )
