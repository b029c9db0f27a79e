"""The dashboard's date range and region, its links to the case list, charts and KPIs."""

import datetime as dt
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import api_token, intake, open_task, person, referred_case
from tests.workflows.recap_month import build_month
from workflows.models import WorkItem

pytestmark = pytest.mark.django_db

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31", "region": "19.04"}


def link_of(body: str, figure: str) -> dict:
    """The query of the link marked ``data-figure=<figure>``, as a dict of single values."""
    match = re.search(rf'href="([^"]*)" data-figure="{figure}"', body)
    assert match, figure
    url = urlsplit(unescape(match.group(1)))
    assert url.path == reverse("home")
    return {key: values[0] for key, values in parse_qs(url.query).items()}


def test_default_range_is_the_last_eight_weeks(client, staff):
    client.force_login(staff["manajer"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    data = response.context["data"]
    today = timezone.localdate()
    assert data["end"] == today and data["start"].weekday() == 0
    assert len(data["weeks"]) == 8 and data["weeks"][-1]["last"] == today


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2026-10-31", "to": "2026-10-01"}, "Tanggal awal harus sebelum"),
        ({"from": "2024-01-01", "to": "2026-10-01"}, "Rentang paling panjang 366 hari."),
        ({"from": "kemarin"}, "Masukkan tanggal yang valid."),
        ({"region": "14.03"}, "Wilayah ini bukan wilayah kerja Anda"),
    ],
)
def test_a_bad_range_or_region_is_refused_with_a_clear_message(client, staff, params, message):
    client.force_login(staff["manajer"])
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'data-figure="open"' not in body


def test_api_refuses_a_bad_range_with_the_field(client, staff):

    response = client.get(
        "/api/v1/dashboard/",
        {"from": "2026-10-31", "to": "2026-10-01"},
        HTTP_AUTHORIZATION=f"Token {api_token(staff['manajer'])}",
    )
    assert response.status_code == 400


def test_region_choices_are_the_users_areas(client, staff):
    client.force_login(staff["petugas"])
    body = client.get(reverse("dashboard")).content.decode()
    assert 'value="19.04.01.2003"' in body and 'value="19.04"' not in body
    assert client.get(reverse("dashboard"), {"region": "19.04"}).status_code == 400


def test_numbers_link_to_the_case_list_with_the_same_filters(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    body = client.get(reverse("dashboard"), OCTOBER).content.decode()
    assert link_of(body, "opened") == {
        "region": "19.04",
        "opened_from": "2026-10-01",
        "opened_to": "2026-10-31",
    }
    assert link_of(body, "closed") == {
        "region": "19.04",
        "closed_from": "2026-10-01",
        "closed_to": "2026-10-31",
    }
    assert link_of(body, "overdue") == {"region": "19.04", "overdue": "true"}
    assert link_of(body, "at_risk") == {"region": "19.04", "at_risk": "true"}
    assert link_of(body, "open") == {"region": "19.04", "status": "open"}
    assert "?region=19.04&amp;stage=referral" in body


def test_the_figures_count_cases_of_the_range(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    data = client.get(reverse("dashboard"), OCTOBER).context["data"]
    assert (data["opened"], data["closed"], data["median_days_to_close"]) == (5, 2, 10.0)
    first_week = data["weeks"][0]
    # 1 Oct 2026 is a Thursday: the first week is clamped to the range.
    assert (first_week["week"], first_week["first"], first_week["last"]) == (
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 4),
    )
    assert sum(w["opened"] for w in data["weeks"]) == 5
    (kpi,) = data["kpis"]
    assert (kpi["agency_code"], kpi["received"], kpi["on_time_share"]) == ("dinkes-bateng", 2, 50.0)


def test_week_links_carry_the_weeks_days(client, staff):
    client.force_login(staff["manajer"])
    body = client.get(reverse("dashboard"), OCTOBER).content.decode()
    assert "?region=19.04&amp;opened_from=2026-10-01&amp;opened_to=2026-10-04" in body
    assert "?region=19.04&amp;closed_from=2026-10-26&amp;closed_to=2026-10-31" in body


def test_overdue_counts_cases_not_tasks_and_links_per_agency_and_district(client, staff):
    case = intake(staff["petugas"], applicant=person(nik="1904011208850031")).case
    WorkItem.objects.filter(pk=open_task(case, "verification").pk).update(
        due_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(staff["manajer"])
    response = client.get(reverse("dashboard"))
    data = response.context["data"]
    assert data["overdue_cases"] == 1
    (district,) = data["by_district"]
    assert (district["region__parent_id"], district["overdue"]) == ("19.04.01", 1)
    assert "?region=19.04.01&amp;overdue=true" in response.content.decode()
    # A village chosen inside the district: the district row's link keeps the village.
    body = client.get(reverse("dashboard"), {"region": "19.04.01.2003"}).content.decode()
    assert "?region=19.04.01.2003&amp;overdue=true" in body


def test_agency_rows_link_with_the_agency_code(client, staff):

    case = referred_case(staff, nik="1904011208850032", services=["pbi-jk"])
    WorkItem.objects.filter(case=case, kind="referral_review").update(
        due_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(staff["manajer"])
    response = client.get(reverse("dashboard"))
    (row,) = response.context["data"]["by_agency"]
    assert (row["agency__code"], row["overdue"]) == ("dinkes-bateng", 1)
    assert "?agency=dinkes-bateng&amp;overdue=true" in response.content.decode()


def test_chart_data_is_passed_as_json_and_drawn_by_a_static_script(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    body = client.get(reverse("dashboard"), OCTOBER).content.decode()
    match = re.search(
        r'<script id="dashboard-chart-data" type="application/json">(.*?)</script>', body
    )
    chart = json.loads(match.group(1))
    assert sum(chart["opened"]) == 5 and chart["agencies"] == ["Dinas Kesehatan Bangka Tengah"]
    assert (chart["on_time"], chart["late"]) == ([1], [1])
    assert "/static/vendor/chartjs/chart.umd.min.js" in body
    assert "/static/js/dashboard_charts.js" in body
    assert "<script>" not in body  # nothing inline: the CSP allows none


def test_another_regency_and_an_agency_see_only_their_own(client, staff):
    build_month(staff)
    client.force_login(staff["petugas_bks"])
    data = client.get(reverse("dashboard"), {"from": "2026-10-01", "to": "2026-10-31"}).context[
        "data"
    ]
    assert (data["opened"], data["kpis"]) == (1, [])
    client.force_login(staff["dinsos"])
    data = client.get(reverse("dashboard"), {"from": "2026-10-01", "to": "2026-10-31"}).context[
        "data"
    ]
    assert (data["opened"], data["kpis"]) == (0, [])


def test_dashboard_queries_do_not_grow_with_the_data(client, staff):
    # One overdue task from the start: with none, the officers to hand it to are not asked.
    case = intake(staff["petugas"], applicant=person(nik="1904011208850033")).case
    WorkItem.objects.filter(pk=open_task(case, "verification").pk).update(
        due_at=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(staff["manajer"])
    client.get(reverse("dashboard"), OCTOBER)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("dashboard"), OCTOBER)
    build_month(staff)
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("dashboard"), OCTOBER)
    assert len(full.captured_queries) == len(empty.captured_queries)
