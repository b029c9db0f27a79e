"""Data quality at a glance (issue 14): a regency's and a district's numbers (people without
a NIK, open duplicate pairs, deceased people with open cases or aid on the way, family cards
never checked against DTKS/DTSEN or not for a year), each opening the list behind it; only
for the back office and supervisors of the area."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import DuplicatePair, Family, Person
from referrals.models import Referral
from tests.conftest import AIR_MESU, KOBA_VILLAGE, KOTA_BENGKALIS, NIBUNG, intake, make_user, person
from tests.workflows.test_case_flow import refer, verify

TODAY = timezone.localdate()
_serial = iter(range(1, 10_000))


def resident(name: str, village: str, *, nik: bool = True, **fields) -> Person:
    """A registered person (with a made-up NIK, or none and the reason)."""
    n = next(_serial)
    return Person.objects.create(
        full_name=name,
        nik=f"{village[:2]}{village[3:5]}0101019{n:05d}"[:16] if nik else None,
        no_nik_reason="" if nik else "Belum punya KTP",
        sex="M",
        region_id=village,
        **fields,
    )


def family(*, status: str = "unknown", as_of: dt.date | None = None) -> Family:
    n = next(_serial)
    return Family.objects.create(
        kk_number=f"19040101019{n:05d}",
        registry_status=status,
        registry_as_of=as_of,
        registry_source="Cek di SIKS-NG / DTSEN" if as_of else "",
        decile=1 if status == "in_dtsen" else None,
    )


def pair(a: Person, b: Person, status: str = "open") -> DuplicatePair:
    low, high = sorted((a, b), key=lambda p: p.pk)
    return DuplicatePair.objects.create(
        person_a=low,
        person_b=high,
        region_id=a.region_id,
        score=95,
        reason="close_name",
        status=status,
    )


def tombstone(of: Person, **fields) -> Person:
    return resident(of.full_name, of.region_id, merged_into=of, life_status="merged", **fields)


@pytest.fixture
def world(staff, offices):
    """Koba district (Nibung): 2 without NIK, 1 open pair, 2 deceased on open business, 1
    card never checked. Pangkalan Baru (Air Mesu): 1 without NIK, 1 card never checked (no
    head: its first member's village), 1 checked two years ago. Bengkalis: one of each, and
    tombstones and decided pairs everywhere that never count."""
    staff["backoffice_bks"] = make_user(
        "backoffice.bks", Role.BACK_OFFICE, "14.03", office=offices["slrt_bks"]
    )
    # Without a NIK.
    ani = resident("Ani Bayi", NIBUNG, nik=False)
    resident("Bayu Bayi", NIBUNG, nik=False)
    resident("Citra Bayi", AIR_MESU, nik=False)
    bks = resident("Dedi Bengkalis", KOTA_BENGKALIS, nik=False)
    tombstone(ani, nik=False)
    # Duplicate pairs: one open; one decided; one open with a tombstone; Bengkalis'.
    eka, eko = resident("Eka", NIBUNG), resident("Eko", NIBUNG)
    pair(eka, eko)
    pair(eka, ani, status="not_same")
    pair(eko, tombstone(eko))
    pair(bks, resident("Dedy Bengkalis", KOTA_BENGKALIS))
    # Deceased: Budi with his open case and pending referral (counted once); Siti, the
    # receiver of that referral; Joko with no case (nothing to validate).
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    siti = resident("Siti Wafat", NIBUNG, life_status="deceased")
    Referral.objects.filter(case=case).update(beneficiary=siti)
    Person.objects.filter(pk__in=[case.beneficiary_id]).update(
        life_status="deceased", life_status_date=dt.date(2026, 10, 30)
    )
    resident("Joko Wafat", NIBUNG, life_status="deceased")
    bks_case = intake(
        staff["petugas_bks"], applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)
    ).case
    Person.objects.filter(pk=bks_case.beneficiary_id).update(life_status="deceased")
    # Family cards.
    never = family()
    resident("Fajar Kepala", NIBUNG, family=never, relationship="head")
    resident("Fitri Istri", NIBUNG, family=never, relationship="spouse")
    headless = family()
    resident("Gita Anak", AIR_MESU, family=headless, relationship="child")
    resident("Gilang Anak", NIBUNG, family=headless, relationship="child")
    old = family(status="in_dtsen", as_of=TODAY - dt.timedelta(days=800))
    resident("Hadi Kepala", AIR_MESU, family=old, relationship="head")
    fresh = family(status="not_in_dtsen", as_of=TODAY - dt.timedelta(days=30))
    resident("Indra Kepala", AIR_MESU, family=fresh, relationship="head")
    resident("Joni Bengkalis", KOTA_BENGKALIS, family=family(), relationship="head")
    return {"case": case, "siti": siti, "never": never}


def numbers(html: str, region: str) -> dict[str, str]:
    """The numbers of one row (``data-region``) of the page, by measure."""
    row = html.split(f'data-region="{region}"', 1)[1].split("</tr>", 1)[0]
    return dict(re.findall(r'data-measure="([\w-]+)">(?:<a [^>]*>)?(?:<span [^>]*>)?(\d+)', row))


def test_the_regency_page_counts_each_district(client, world, staff):
    client.force_login(staff["backoffice"])
    response = client.get(reverse("quality_overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert numbers(html, "19.04.01") == {
        "tanpa-nik": "2",
        "data-ganda": "1",
        "meninggal": "2",
        "kk-belum-dicek": "1",
        "kk-lebih-setahun": "0",
    }
    assert numbers(html, "19.04.02") == {
        "tanpa-nik": "1",
        "data-ganda": "0",
        "meninggal": "0",
        "kk-belum-dicek": "1",
        "kk-lebih-setahun": "1",
    }
    assert numbers(html, "19.04") == {
        "tanpa-nik": "3",
        "data-ganda": "1",
        "meninggal": "2",
        "kk-belum-dicek": "2",
        "kk-lebih-setahun": "1",
    }
    # Each number opens its list; the pairs open the duplicates worklist of the area.
    assert f'href="{reverse("quality_list", args=["tanpa-nik"])}?wilayah=19.04.01"' in html
    assert 'href="/data-ganda/?wilayah=19.04.01"' in html
    assert "Bengkalis" not in html


def test_a_district_page_counts_each_village(client, world, staff):
    client.force_login(staff["manajer"])
    html = client.get(reverse("quality_overview"), {"wilayah": "19.04.01"}).content.decode()
    assert numbers(html, NIBUNG)["tanpa-nik"] == "2"
    assert numbers(html, NIBUNG)["kk-belum-dicek"] == "1"
    assert numbers(html, KOBA_VILLAGE) == dict.fromkeys(numbers(html, NIBUNG), "0")
    assert numbers(html, "19.04.01")["meninggal"] == "2"
    assert 'href="?wilayah=19.04"' in html  # back to the regency


def test_the_lists_behind_the_numbers(client, world, staff):
    client.force_login(staff["backoffice"])

    def listed(key: str, area: str) -> str:
        response = client.get(reverse("quality_list", args=[key]), {"wilayah": area})
        assert response.status_code == 200
        return response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]

    no_nik = listed("tanpa-nik", "19.04")
    assert no_nik.count("<tr>") == 3
    assert "Ani Bayi" in no_nik and "Citra Bayi" in no_nik and "Dedi" not in no_nik
    deceased = listed("meninggal", "19.04.01")
    budi = world["case"].beneficiary
    assert f'href="{reverse("person_detail", args=[budi.pk])}"' in deceased  # on a case
    assert "Siti Wafat" in deceased and "Joko" not in deceased
    # Living in the back office's area: her page opens though she is on no case.
    assert f'href="{reverse("person_detail", args=[world["siti"].pk])}"' in deceased
    never = listed("kk-belum-dicek", "19.04")
    assert "Fajar Kepala" in never and "Gita Anak" in never and "Fitri" not in never
    assert world["never"].kk_number not in never and world["never"].masked_kk_number in never
    assert "Hadi Kepala" in listed("kk-lebih-setahun", "19.04")
    assert "Gita Anak" in listed("kk-belum-dicek", AIR_MESU)  # one village
    assert (
        "Tidak ada data"
        in client.get(
            reverse("quality_list", args=["kk-lebih-setahun"]), {"wilayah": NIBUNG}
        ).content.decode()
    )


def test_a_list_is_paginated(client, staff):
    for n in range(30):
        resident(f"Warga {n:02d}", NIBUNG, nik=False)
    client.force_login(staff["backoffice"])
    url = reverse("quality_list", args=["tanpa-nik"])
    first = client.get(url).content.decode()
    assert "Warga 00" in first and "Warga 29" not in first
    assert "Warga 29" in client.get(url, {"page": 2}).content.decode()


def test_an_area_with_nothing_to_fix_says_so(client, staff):
    client.force_login(staff["backoffice"])
    html = client.get(reverse("quality_overview")).content.decode()
    assert "data-all-clear" in html
    assert numbers(html, "19.04.01")["tanpa-nik"] == "0"


@pytest.mark.parametrize("role", ["petugas", "peksos", "peksos2", "dinkes", "kadinkes", "dinsos"])
def test_other_roles_may_not_open_it(client, world, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("quality_overview")).status_code == 403
    assert client.get(reverse("quality_list", args=["tanpa-nik"])).status_code == 403
    assert "kualitas-data" not in client.get(reverse("inbox")).content.decode()


def test_the_navigation_links_it_for_those_who_use_it(client, staff):
    client.force_login(staff["backoffice"])
    assert f'href="{reverse("quality_overview")}"' in client.get(reverse("inbox")).content.decode()


def test_another_regency_sees_only_its_own(client, world, staff):
    client.force_login(staff["backoffice_bks"])
    html = client.get(reverse("quality_overview")).content.decode()
    assert numbers(html, "14.03")["tanpa-nik"] == "1"
    assert numbers(html, "14.03")["meninggal"] == "1"
    assert "Nibung" not in html and "Koba" not in html
    for area in ("19.04", "19.04.01", NIBUNG, "19", "99.99"):
        assert client.get(reverse("quality_overview"), {"wilayah": area}).status_code == 404
        listed = client.get(reverse("quality_list", args=["tanpa-nik"]), {"wilayah": area})
        assert listed.status_code == 404
    assert client.get(reverse("quality_list", args=["bukan-daftar"])).status_code == 404


def test_a_district_supervisor_sees_only_the_district(client, world, staff, offices):
    koba = make_user("manajer.koba", Role.SUPERVISOR, "19.04.01", office=offices["slrt"])
    client.force_login(koba)
    html = client.get(reverse("quality_overview")).content.decode()
    assert numbers(html, NIBUNG)["tanpa-nik"] == "2"
    assert "Kembali ke" not in html  # the regency is not theirs
    assert client.get(reverse("quality_overview"), {"wilayah": "19.04"}).status_code == 404
    listed = client.get(reverse("quality_list", args=["tanpa-nik"]), {"wilayah": "19.04.02"})
    assert listed.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(reverse("quality_overview")).status_code == 302


def _more_data(staff, n: int) -> None:
    for i in range(n):
        village = (NIBUNG, AIR_MESU, KOBA_VILLAGE)[i % 3]
        a = resident(f"Tanpa NIK {i}", village, nik=False)
        pair(a, resident(f"Tanpa NIK {i}", village))
        card = (
            family(status="in_dtsen", as_of=TODAY - dt.timedelta(days=500)) if i % 2 else family()
        )
        resident(f"Kepala {i}", village, family=card, relationship="head")
        case = intake(
            staff["petugas"],
            applicant=person(nik=f"19040112088{next(_serial):05d}", full_name=f"Wafat {i}"),
        ).case
        Person.objects.filter(pk=case.beneficiary_id).update(life_status="deceased")


@pytest.mark.parametrize(
    "url_name, key",
    [
        ("quality_overview", None),
        ("quality_list", "tanpa-nik"),
        ("quality_list", "meninggal"),
        ("quality_list", "kk-belum-dicek"),
        ("quality_list", "kk-lebih-setahun"),
    ],
)
def test_each_page_costs_the_same_at_any_size(client, staff, url_name, key):
    client.force_login(staff["backoffice"])
    url = reverse(url_name, args=[key] if key else [])
    counts = []
    for n in (2, 8):
        _more_data(staff, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"wilayah": "19.04"})
        assert response.status_code == 200
        assert "<tbody>" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Session, user, memberships, the area, notifications; the page: the regions below and
    # the five numbers; a list: its count and its page.
    assert counts[0] == (12 if key is None else 7)
