"""Bad and odd input on the case list, the exports, the access log, the dashboard and the
recap (issue 15, found by trying them as an attacker would): each answers 400 naming the
field, never 500, never more rows than asked for, and a NIK or KK number never reaches a
URL. The inputs are the ones that broke them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, Export
from tests.conftest import NIK_MALE, api_token, intake, person

NIK = "1904043008665278"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def manajer(client, staff):
    client.force_login(staff["manajer"])
    return client


@pytest.mark.parametrize(
    "term", [f"NIK {NIK}", f"nik:{NIK}", f"{NIK} Budi", NIK[:-1], NIK + "9", "1904 0430 0866 5278"]
)
def test_a_search_holding_an_id_number_is_answered_from_the_post_never_redirected(manajer, term):
    response = manajer.post(reverse("home"), {"q": term})
    assert response.status_code == 200
    assert "Location" not in response
    refused = manajer.get(reverse("home"), {"q": term})
    assert refused.status_code == 302 and refused["Location"] == reverse("home")


def test_a_case_number_is_still_a_plain_bookmarkable_search(manajer, staff):
    case = intake(staff["petugas"], applicant=person(nik=NIK_MALE)).case
    response = manajer.post(reverse("home"), {"q": case.number})
    assert response.status_code == 302 and case.number in response["Location"]


def test_the_api_refuses_an_id_number_anywhere_in_q(client, staff):
    token = api_token(staff["manajer"])
    response = client.get(
        "/api/v1/cases/", {"q": f"NIK {NIK}"}, HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400 and "q" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"opened_to": "9999-12-31"}, "Dibuka sampai"),
        ({"opened_from": "0001-01-01"}, "Dibuka sejak"),
        ({"closed_from": "0001-01-01"}, "Ditutup sejak"),
        ({"closed_to": "9999-12-31"}, "Ditutup sampai"),
        ({"q": "x " * 1000}, "Cari"),
    ],
)
def test_out_of_range_dates_and_long_searches_are_refused_on_the_list_and_its_export(
    manajer, params, field
):
    page = manajer.get(reverse("home"), params)
    assert page.status_code == 400 and field in page.content.decode()
    exported = manajer.post(reverse("export_start", args=["cases"]), {"format": "csv", **params})
    assert exported.status_code == 400 and field in exported.content.decode()


def test_a_long_posted_search_is_refused_not_a_server_error(manajer):
    assert manajer.post(reverse("home"), {"q": "x" * 60_000}).status_code == 400
    assert manajer.get(reverse("home"), {"q": "x" * 60_000}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"action": "bogus"},
        {"date_from": "abc"},
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "2026-12-02", "date_to": "2026-01-01"},
    ],
)
def test_the_access_log_refuses_bad_filters_and_lists_nothing(client, staff, params):
    case = intake(staff["petugas"], applicant=person(nik=NIK_MALE)).case
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    client.force_login(staff["manajer"])
    page = client.get(reverse("access_log"), params)
    body = page.content.decode()
    assert page.status_code == 400 and case.number not in body and "Unduh CSV" not in body
    exported = client.post(
        reverse("export_start", args=["access_log"]), {"format": "csv", **params}
    )
    assert exported.status_code == 400


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("recap", {"month": "0001-01", "region": "19.04"}),
        ("recap_pdf", {"month": "0001-01", "region": "19.04"}),
        ("recap_xlsx", {"month": "0001-01", "region": "19.04"}),
        ("dashboard", {"from": "0001-01-01"}),
        ("dashboard", {"to": "9999-12-31"}),
    ],
)
def test_reports_refuse_years_out_of_range(manajer, url, params):
    assert manajer.get(reverse(url), params).status_code == 400


@pytest.mark.parametrize(
    "params",
    [{"region": "14.03"}, {"from": "2026-06-01", "to": "2026-01-01"}, {"from": "2020-01-01"}],
)
def test_the_dashboard_export_refuses_what_the_dashboard_refuses_with_its_message(manajer, params):
    response = manajer.post(
        reverse("export_start", args=["dashboard"]), {"format": "csv", **params}
    )
    assert response.status_code == 400 and response.content


def test_a_village_officer_follows_the_dashboards_district_link(client, staff):
    intake(staff["petugas"], applicant=person(nik=NIK_MALE))
    client.force_login(staff["petugas"])
    response = client.get(reverse("home"), {"region": "19.04.01", "status": "open"})
    assert response.status_code == 200
    assert client.get(reverse("home"), {"region": "19.04.02"}).status_code == 400


def test_an_export_past_its_keeping_time_is_not_downloadable_before_the_purge(
    manajer, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    intake(staff["petugas"], applicant=person(nik=NIK_MALE))
    with django_capture_on_commit_callbacks(execute=True):
        manajer.post(reverse("export_start", args=["cases"]), {"format": "csv"})
    made = Export.objects.get()
    assert manajer.get(reverse("export_download", args=[made.pk])).status_code == 200
    Export.objects.filter(pk=made.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert manajer.get(reverse("export_download", args=[made.pk])).status_code == 404


def test_an_exports_access_log_row_says_which_filters(manajer, staff):
    intake(staff["petugas"], applicant=person(nik=NIK_MALE))
    manajer.post(
        reverse("export_start", args=["cases"]),
        {"format": "csv", "stage": "verification", "region": "19.04.01"},
    )
    entry = AccessLog.objects.get(route="export_cases")
    assert entry.purpose.startswith("1 baris; ")
    assert "Tahap: Verifikasi" in entry.purpose and "Koba" in entry.purpose


def test_the_recap_defaults_to_the_users_only_area_and_narrows_to_a_district(manajer):
    assert manajer.get(reverse("recap"), {"month": "2026-10"}).status_code == 200
    district = manajer.get(reverse("recap"), {"month": "2026-10", "region": "19.04.01"})
    assert district.status_code == 200 and "Koba" in district.content.decode()
    assert manajer.get(reverse("dashboard"), {"region": "19.04.01"}).status_code == 200
