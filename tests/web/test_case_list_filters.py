"""The case list's filters and sorts (issue 15, "Find"): each filter keeps the case it must and
drops the one it must, the sorts order by opening, nearest deadline and last change, filters
live in the URL and survive pagination, bad values say which field is wrong, a KK number is
searched by POST only, and another regency's cases never show, whatever the filter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.conftest import NIBUNG, intake, person
from tests.web.case_world import KK_BUDI, KK_DEWI, build_world
from web.case_filters import describe_filters, filter_cases


@pytest.fixture
def world(staff):
    return build_world(staff)


def _listed(client, params: dict) -> list[str]:
    """The case numbers the list shows, in order."""
    response = client.get(reverse("home"), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return re.findall(r'<td><a href="/kasus/([^/"]+)/">', response.content.decode())


@pytest.fixture
def manajer(client, staff):
    client.force_login(staff["manajer"])
    return client


FILTERS = [
    # (params, the case that must be listed, the case that must not)
    ({"region": "19.04.01"}, "budi", "siti"),
    ({"region": NIBUNG}, "budi", "siti"),
    ({"region": "19.04.02.2004"}, "siti", "budi"),
    ({"kind": "complaint"}, "siti", "budi"),
    ({"channel": "phone"}, "siti", "budi"),
    ({"service": "pbi-jk"}, "budi", "siti"),
    ({"service": "jamkesda"}, "dewi", "budi"),
    ({"agency": "dinkes-bateng"}, "budi", "dewi"),
    ({"stage": "closed"}, "siti", "budi"),
    ({"status": "open"}, "budi", "siti"),
    ({"outcome": "answered"}, "siti", "budi"),
    ({"opened_from": "2026-05-01"}, "siti", "budi"),
    ({"opened_to": "2026-03-10"}, "budi", "dewi"),
    ({"closed_from": "2026-06-01"}, "siti", "budi"),
    ({"closed_to": "2026-06-01"}, "siti", "budi"),
    ({"overdue": "true"}, "budi", "dewi"),
    ({"overdue": "false"}, "dewi", "budi"),
    ({"at_risk": "true"}, "dewi", "budi"),
    ({"mine": "1"}, "siti", "budi"),
]


@pytest.mark.parametrize(("params", "shown", "hidden"), FILTERS)
def test_each_filter_keeps_its_case_and_drops_the_other(manajer, world, params, shown, hidden):
    listed = _listed(manajer, params)
    assert getattr(world, shown).number in listed
    assert getattr(world, hidden).number not in listed
    assert world.bengkalis.number not in listed


def test_closed_to_is_inclusive_of_the_local_day_only(manajer, world):
    assert world.siti.number not in _listed(manajer, {"closed_to": "2026-05-31"})
    assert world.siti.number not in _listed(manajer, {"closed_from": "2026-06-02"})


def test_filters_combine(manajer, world):
    listed = _listed(manajer, {"region": "19.04.01", "kind": "service_request", "overdue": "true"})
    assert listed == [world.budi.number]
    both = _listed(manajer, {"region": "19.04.01", "at_risk": "true", "agency": "dinkes-bateng"})
    assert both == []  # Dewi's risky task is not Dinkes's, Budi's Dinkes task is overdue


SORTS = [
    ("opened", ["budi", "dewi", "siti"]),
    ("-opened", ["siti", "dewi", "budi"]),
    ("due", ["budi", "dewi", "siti"]),  # the overdue task first, no task last
    ("-due", ["dewi", "budi", "siti"]),  # no task still last
    ("updated", ["siti", "budi", "dewi"]),
    ("-updated", ["dewi", "budi", "siti"]),
]


@pytest.mark.parametrize(("sort", "order"), SORTS)
def test_each_sort_orders_the_list(manajer, world, sort, order):
    assert _listed(manajer, {"sort": sort}) == [getattr(world, name).number for name in order]


def test_the_default_order_is_newest_opened_first(manajer, world):
    assert _listed(manajer, {}) == _listed(manajer, {"sort": "-opened"})


def test_another_regency_never_shows_whatever_the_filter(client, staff, world):
    params_list = [params for params, _shown, _hidden in FILTERS] + [{"sort": s} for s, _ in SORTS]
    for username in ("manajer", "dinkes", "petugas"):
        client.force_login(staff[username])
        for params in params_list:
            response = client.get(reverse("home"), params)
            assert world.bengkalis.number not in response.content.decode(), (username, params)


def test_an_agency_sees_only_its_referred_case_and_cannot_pick_another_regency(
    client, staff, world
):
    client.force_login(staff["dinkes"])
    assert _listed(client, {}) == [world.budi.number]
    assert _listed(client, {"agency": "dinkes-bateng", "overdue": "true"}) == [world.budi.number]
    refused = client.get(reverse("home"), {"agency": "dinkes-bengkalis"})
    assert refused.status_code == 400 and world.budi.number not in refused.content.decode()


def test_bengkalis_cannot_pick_a_bangka_tengah_region(client, staff, world):
    client.force_login(staff["petugas_bks"])
    refused = client.get(reverse("home"), {"region": "19.04.01"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "Wilayah" in body
    assert world.budi.number not in body and world.bengkalis.number not in body
    assert 'value="19.04.01"' not in client.get(reverse("home")).content.decode()


def test_region_choices_are_districts_and_the_chosen_districts_villages(manajer, world):
    plain = manajer.get(reverse("home")).content.decode()
    assert 'value="19.04.01"' in plain and 'value="19.04.02"' in plain
    assert f'value="{NIBUNG}"' not in plain and 'value="14.03.01"' not in plain
    chosen = manajer.get(reverse("home"), {"region": "19.04.01"}).content.decode()
    assert f'value="{NIBUNG}"' in chosen and 'value="19.04.02.2004"' not in chosen


def test_the_dashboards_regency_link_is_a_region_the_list_takes(manajer, world):
    # The dashboard links a regency-wide figure with region=19.04 (the supervisor's area).
    listed = _listed(manajer, {"region": "19.04", "status": "open"})
    assert world.budi.number in listed and world.bengkalis.number not in listed
    assert manajer.get(reverse("home"), {"region": "14.03"}).status_code == 400


BAD = [
    ({"opened_from": "2026-13-01"}, "Dibuka sejak"),
    ({"closed_to": "1/6/2026"}, "Ditutup sampai"),
    ({"kind": "bogus"}, "Jenis"),
    ({"service": "no-such-service"}, "Layanan"),
    ({"stage": "nowhere"}, "Tahap"),
    ({"overdue": "maybe"}, "Ada tugas terlambat"),
    ({"sort": "name"}, "Urutkan"),
    ({"opened_from": "2026-06-01", "opened_to": "2026-05-01"}, "Dibuka sampai"),
]


@pytest.mark.parametrize(("params", "field"), BAD)
def test_a_bad_filter_says_which_field_and_lists_nothing(manajer, world, params, field):
    response = manajer.get(reverse("home"), params)
    body = response.content.decode()
    assert response.status_code == 400
    errors = body[body.index('id="filter-errors"') :]
    assert f"<strong>{field}</strong>" in errors[: errors.index("</div>")]
    assert world.budi.number not in body and world.siti.number not in body


def test_filters_survive_pagination_and_reset_clears_them(manajer, staff, world):
    for i in range(26):
        intake(
            staff["petugas"],
            applicant=person(nik=f"19040112088{i:05d}", full_name=f"Warga {i}"),
        )
    params = {"region": NIBUNG, "kind": "service_request", "sort": "opened"}
    body = manajer.get(reverse("home"), params).content.decode()
    assert "Halaman 1 dari 2" in body
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)"', body).group(1).replace("&amp;", "&")
    assert "region=19.04.01.2003" in next_link and "kind=service_request" in next_link
    assert "sort=opened" in next_link and next_link.count("page=") == 1
    second = manajer.get(reverse("home") + next_link).content.decode()
    assert "Halaman 2 dari 2" in second and world.siti.number not in second
    assert 'id="reset-filters"' in body and 'href="/" id="reset-filters"' in body


def test_a_posted_search_is_redirected_with_its_filters(manajer, world):
    response = manajer.post(
        reverse("home"), {"q": "budi", "region": "19.04.01", "overdue": "true", "page": "3"}
    )
    assert response["Location"] == "/?q=budi&region=19.04.01&overdue=true"


def test_a_kk_number_is_searched_by_post_and_finds_the_familys_cases(manajer, world):
    response = manajer.post(reverse("home"), {"q": KK_BUDI})
    assert response.status_code == 200  # answered at once: never redirected to ?q=<KK>
    body = response.content.decode()
    assert world.budi.number in body and world.dewi.number not in body
    spaced = manajer.post(reverse("home"), {"q": "1904 0101 0120 0002"}).content.decode()
    assert world.dewi.number in spaced and world.budi.number not in spaced
    # The other filters posted with it apply too.
    narrowed = manajer.post(reverse("home"), {"q": KK_BUDI, "stage": "closed"}).content.decode()
    assert world.budi.number not in narrowed


def test_a_kk_number_in_the_address_is_refused_like_a_nik(manajer, world):
    typed = manajer.get(reverse("home"), {"q": KK_DEWI}, follow=True)
    assert typed.redirect_chain == [("/", 302)]
    body = typed.content.decode()
    assert "Cari NIK atau nomor KK lewat kotak pencarian" in body and KK_DEWI not in body


def test_another_regency_finds_nothing_by_kk(client, staff, world):
    client.force_login(staff["petugas_bks"])
    body = client.post(reverse("home"), {"q": KK_BUDI}).content.decode()
    assert world.budi.number not in body


def _many(staff, start: int, n: int) -> None:
    for i in range(start, start + n):
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}", full_name=f"W {i}"))


FILTERED = {
    "region": "19.04.01",
    "kind": "service_request",
    "service": "pbi-jk",
    "agency": "dinkes-bateng",
    "opened_from": "2026-01-01",
    "overdue": "true",
    "at_risk": "false",
    "mine": "0",
    "sort": "due",
}


def test_the_filtered_list_takes_pinned_queries_at_any_size(manajer, staff, world):
    """1. session; 2. user; 3. memberships; 4-6. the chosen region (the choices, read once),
    service and agency checked; 7. the page's COUNT; 8. the bell; 9-10. the service and
    agency choices drawn; 11. the page's rows. The same with 30 more cases."""
    with CaptureQueriesContext(connection) as small:
        assert manajer.get(reverse("home"), FILTERED).status_code == 200
    _many(staff, 100, 30)
    with CaptureQueriesContext(connection) as large:
        assert manajer.get(reverse("home"), FILTERED).status_code == 200
    assert len(small) == len(large) == 11


def test_describe_filters_reads_like_a_person_would(staff, world):
    data = QueryDict(mutable=True)
    data.update(
        {
            "region": NIBUNG,
            "agency": "dinkes-bateng",
            "service": "pbi-jk",
            "stage": "closed",
            "opened_from": "2026-05-01",
            "overdue": "true",
            "sort": "due",
        }
    )
    described = dict(describe_filters(filter_cases(staff["manajer"], data)))
    assert described["Wilayah"] == f"Nibung ({NIBUNG})"
    assert described["Instansi"] == "Dinas Kesehatan Bangka Tengah"
    assert described["Tahap"] == "Ditutup"
    assert described["Dibuka sejak"] == "1 Mei 2026"
    assert described["Ada tugas terlambat"] == "Ya"
    assert described["Urutkan"] == "Tenggat terdekat"
    assert "Layanan" in described
    searched = dict(
        describe_filters(
            filter_cases(staff["manajer"], QueryDict(f"q={KK_BUDI}"), allow_number_search=True)
        )
    )
    assert KK_BUDI not in searched["Cari"]


def test_updated_at_follows_a_partial_save(world):
    before = Case.objects.get(pk=world.dewi.pk).updated_at
    case = Case.objects.get(pk=world.dewi.pk)
    case.outcome = "served"
    case.save(update_fields=["outcome"])
    after = Case.objects.get(pk=world.dewi.pk).updated_at
    assert after > before and after >= timezone.now() - dt.timedelta(minutes=1)
