"""``GET /api/v1/cases/`` takes the case list page's filters and sorts (``web.case_filters``):
the same parameters, a 400 naming the field for a bad value, no NIK or KK number in ``q``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.conftest import NIBUNG, api_token, intake, person
from tests.web.case_world import KK_BUDI, KK_DEWI, build_world
from tests.web.test_case_list_filters import FILTERS, SORTS


@pytest.fixture
def world(staff):
    return build_world(staff)


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def _numbers(client, params: dict) -> list[str]:
    response = client.get("/api/v1/cases/", params)
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def test_each_filter_and_sort_works_in_the_api(staff, world):
    client = _client(staff["manajer"])
    for params, shown, hidden in FILTERS:
        numbers = _numbers(client, params)
        assert getattr(world, shown).number in numbers, params
        assert getattr(world, hidden).number not in numbers, params
        assert world.bengkalis.number not in numbers
    for sort, order in SORTS:
        assert _numbers(client, {"sort": sort}) == [getattr(world, n).number for n in order], sort


def test_the_api_sort_pages_through_every_case_once(staff, world):
    for i in range(4):
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}", full_name=f"W {i}"))
    client = _client(staff["manajer"])
    for sort in ("due", "-due", "updated", "-opened"):
        seen, url = [], "/api/v1/cases/"
        params = {"sort": sort, "page_size": 2}
        while url:
            body = client.get(url, params).json()
            seen += [row["number"] for row in body["results"]]
            url, params = body["next"], {}
        assert len(seen) == len(set(seen)) == 7, sort


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"opened_from": "2026-02-30"}, "opened_from"),
        ({"kind": "bogus"}, "kind"),
        ({"agency": "dinkes-bengkalis"}, "agency"),
        ({"region": "14.03.01"}, "region"),
        ({"at_risk": "yes please"}, "at_risk"),
        ({"closed_from": "2026-06-02", "closed_to": "2026-06-01"}, "closed_to"),
        ({"sort": "-name"}, "sort"),
    ],
)
def test_a_bad_filter_answers_400_naming_the_field(staff, world, params, field):
    response = _client(staff["manajer"]).get("/api/v1/cases/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("number", [KK_BUDI, KK_DEWI, "1904011208850001"])
def test_a_nik_or_kk_number_in_q_is_refused(staff, world, number):
    response = _client(staff["manajer"]).get("/api/v1/cases/", {"q": number})
    assert response.status_code == 400
    assert "POST /api/v1/cases/search/" in response.json()["q"][0]


def test_the_search_endpoint_finds_a_family_by_kk(staff, world):
    found = _client(staff["manajer"]).post("/api/v1/cases/search/", {"q": KK_DEWI}).json()
    assert [row["number"] for row in found["results"]] == [world.dewi.number]
    other = _client(staff["petugas_bks"]).post("/api/v1/cases/search/", {"q": KK_DEWI}).json()
    assert other["results"] == []


def test_an_agency_filters_only_its_referred_cases(staff, world):
    client = _client(staff["dinkes"])
    assert _numbers(client, {}) == [world.budi.number]
    assert _numbers(client, {"region": NIBUNG, "overdue": "true"}) == [world.budi.number]
    assert _numbers(client, {"kind": "complaint"}) == []


def test_the_filtered_api_list_takes_the_same_queries_at_two_sizes(staff, world):
    params = {"region": "19.04.01", "service": "pbi-jk", "overdue": "true", "sort": "due"}
    client = _client(staff["manajer"])
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/cases/", params)
    for i in range(10):
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}", full_name=f"W {i}"))
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/cases/", params)
    assert len(small) == len(large) == 7  # 4 as every request, region and service, the page
