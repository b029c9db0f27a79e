"""Adding a family member who is not registered yet from the person page's family card
(issue 14): registered through ``register_person`` on the person's KK, at their address,
with the likely duplicates and NIK warnings the service finds shown after."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Person
from cases.services import register_person
from tests.conftest import KOTA_BENGKALIS, NIBUNG, NIK_FEMALE, intake, person

KK = "1904010101200001"
BABY = {
    "full_name": "Putri Santoso",
    "nik": "",
    "no_nik_reason": "Bayi baru lahir, akta belum terbit",
    "birth_place": "Koba",
    "birth_date": "2026-09-01",
    "sex": "F",
    "relationship": "child",
}


@pytest.fixture
def budi(staff):
    return intake(staff["petugas"], kk_number=KK).case.beneficiary


def _url(someone: Person) -> str:
    return reverse("person_family_member", args=[someone.pk])


def test_a_baby_without_a_nik_is_added_to_the_family_card(client, staff, budi):
    client.force_login(staff["backoffice"])
    response = client.post(_url(budi), BABY, follow=True)
    page = response.content.decode()
    assert "Putri Santoso ditambahkan ke kartu keluarga." in page
    members = page.split("data-family-members>", 1)[1].split("</ul>", 1)[0]
    putri = Person.objects.get(full_name="Putri Santoso")
    # Listed with her relationship, linked to her own page (she has no case yet).
    assert f'<a href="/penduduk/{putri.pk}/">Putri Santoso</a> · Anak' in members
    assert (putri.family_id, putri.relationship) == (budi.family_id, "child")
    assert (putri.region_id, putri.rt, putri.rw, putri.street) == (
        budi.region_id,
        budi.rt,
        budi.rw,
        budi.street,
    )
    assert putri.nik is None and putri.no_nik_reason == BABY["no_nik_reason"]
    assert putri.birth_date == dt.date(2026, 9, 1)
    assert putri.history.earliest("history_date").history_user == staff["backoffice"]


def test_a_member_needs_a_nik_or_the_reason_and_a_relationship(client, staff, budi):
    client.force_login(staff["backoffice"])
    response = client.post(_url(budi), {**BABY, "relationship": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hubungan dalam KK wajib dipilih." in page
    assert 'value="Putri Santoso"' in page  # what was typed stays
    response = client.post(_url(budi), {**BABY, "no_nik_reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "NIK wajib diisi. Bila belum memiliki NIK, isi alasan tanpa NIK." in page
    assert 'id="anggota-baru" open' in page
    assert not Person.objects.filter(full_name="Putri Santoso").exists()


def test_the_services_warnings_are_shown(client, staff, budi):
    register_person(
        actor=staff["petugas"],
        data=person(nik="", no_nik_reason="Belum rekam KTP", full_name="St. Aminah", sex="F"),
    )
    client.force_login(staff["backoffice"])
    wife = {
        **BABY,
        "full_name": "Siti Aminah",
        "nik": NIK_FEMALE,  # encodes 12 Aug 1985
        "no_nik_reason": "",
        "birth_date": "1986-08-12",
        "relationship": "spouse",
    }
    page = client.post(_url(budi), wife, follow=True).content.decode()
    assert "Siti Aminah ditambahkan ke kartu keluarga." in page
    assert "Kemungkinan data ganda: St. Aminah" in page
    assert "tidak sesuai dengan yang tersandi di NIK" in page
    assert NIK_FEMALE not in page


def test_a_registered_nik_is_not_moved_onto_the_card_from_here(client, staff, budi):
    sri, _warnings = register_person(
        actor=staff["petugas"],
        data=person(nik=NIK_FEMALE, full_name="Sri Wahyuni", sex="F"),
        kk_number="1904010101200009",
    )
    client.force_login(staff["backoffice"])
    response = client.post(_url(budi), {**BABY, "nik": NIK_FEMALE, "no_nik_reason": ""})
    assert response.status_code == 400
    assert "NIK ini sudah terdaftar. Untuk memasukkan" in response.content.decode()
    sri.refresh_from_db()
    assert sri.family.kk_number == "1904010101200009"


def test_a_nik_registered_in_another_regency_is_answered_without_a_name(client, staff, budi):
    register_person(
        actor=staff["petugas_bks"],
        data=person(nik="1403015208850002", full_name="Rahma", sex="F", region_code=KOTA_BENGKALIS),
    )
    client.force_login(staff["backoffice"])
    response = client.post(_url(budi), {**BABY, "nik": "1403015208850002", "no_nik_reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "NIK ini sudah terdaftar di luar wilayah kerja Anda" in page and "Rahma" not in page
    assert Person.objects.filter(family=budi.family).count() == 1


def test_only_the_officers_of_the_persons_area_add_members(client, staff, budi):
    page = reverse("person_detail", args=[budi.pk])
    client.force_login(staff["peksos"])  # sees Budi's page, does not register people
    assert "Tambah anggota keluarga" not in client.get(page).content.decode()
    assert client.post(_url(budi), BABY).status_code == 403
    for outsider in ("petugas_bks", "dinkes"):  # another regency; an agency
        client.force_login(staff[outsider])
        assert client.post(_url(budi), BABY).status_code == 404
    client.force_login(staff["petugas"])
    assert "Tambah anggota keluarga" in client.get(page).content.decode()
    assert client.post(_url(budi), BABY).status_code == 302
    assert Person.objects.filter(family=budi.family).count() == 2


def test_a_person_outside_the_officers_area_is_not_found(client, staff):
    bks = intake(
        staff["petugas_bks"],
        applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS),
        kk_number="1403010101200001",
    ).case.beneficiary
    for officer in ("backoffice", "petugas", "manajer"):
        client.force_login(staff[officer])
        assert client.post(_url(bks), BABY).status_code == 404
    assert Person.objects.filter(family=bks.family).count() == 1


def test_a_person_without_a_family_card_has_no_card_to_add_to(client, staff):
    loner = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["backoffice"])
    page = client.get(reverse("person_detail", args=[loner.pk])).content.decode()
    assert "Tambah anggota keluarga" not in page
    assert client.post(_url(loner), BABY).status_code == 404
    assert loner.region_id == NIBUNG
