"""Correcting a person by hand (issue 14): the officers of the person's area correct name,
birth data, sex, phone and address with a required reason; the change is in the history,
with who and why, and on the timeline of the person's cases."""

import datetime as dt

from django.urls import reverse

from cases.models import Person
from tests.conftest import AIR_MESU, NIBUNG, intake, person
from web.timeline import case_timeline

REASON = "Salah ketik saat pendaftaran; sesuai KK terbaru."


def form(person: Person, **changes) -> dict:
    data = {
        "full_name": person.full_name,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "sex": person.sex,
        "phone": person.phone,
        "region": person.region_id,
        "rt": person.rt,
        "rw": person.rw,
        "street": person.street,
        "reason": REASON,
    }
    data.update(changes)
    return data


def test_the_back_office_corrects_a_name_and_birth_date_with_a_reason(client, staff):
    case = intake(staff["petugas"]).case
    budi = case.beneficiary
    client.force_login(staff["backoffice"])
    page = client.get(reverse("person_detail", args=[budi.pk])).content.decode()
    assert "Perbaiki data penduduk" in page
    # The date field shows the stored date in the form a browser's date input reads.
    assert 'name="birth_date" value="1985-08-12"' in page
    response = client.post(
        reverse("person_correct", args=[budi.pk]),
        form(budi, full_name="Budi Santosa", birth_date="1985-08-21"),
    )
    assert response.status_code == 302
    budi.refresh_from_db()
    assert (budi.full_name, budi.birth_date) == ("Budi Santosa", dt.date(1985, 8, 21))
    record = budi.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (staff["backoffice"], REASON)
    [event] = [e for e in case_timeline(case) if e.kind == "person_changed"]
    assert event.detail == REASON and event.actor == staff["backoffice"]
    assert "Budi Santosa" in str(event.changes)


def test_no_reason_or_no_change_is_refused_and_nothing_is_written(client, staff):
    budi = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["backoffice"])
    url = reverse("person_correct", args=[budi.pk])
    response = client.post(url, form(budi, full_name="Budi Santosa", reason=""))
    assert response.status_code == 400
    assert "Alasan perbaikan wajib diisi." in response.content.decode()
    response = client.post(url, form(budi))
    assert response.status_code == 400 and "Tidak ada data yang berubah." in (
        response.content.decode()
    )
    budi.refresh_from_db()
    assert budi.full_name == "Budi Santoso" and budi.history.count() == 1


def test_a_village_outside_the_officers_area_is_refused(client, staff):
    budi = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["petugas"])  # a Nibung village officer
    response = client.post(reverse("person_correct", args=[budi.pk]), form(budi, region=AIR_MESU))
    assert response.status_code == 400
    budi.refresh_from_db()
    assert budi.region_id == NIBUNG


def test_who_may_correct(client, staff):
    budi = intake(staff["petugas"]).case.beneficiary
    url = reverse("person_correct", args=[budi.pk])
    data = form(budi, full_name="Budi Santosa")
    # Agency staff and another regency's officer do not see the person: 404.
    for role in ("dinkes", "petugas_bks"):
        client.force_login(staff[role])
        assert client.post(url, data).status_code == 404
    # The social worker sees them on the case but registers nobody: 403, and no form.
    client.force_login(staff["peksos"])
    assert (
        "Perbaiki data penduduk"
        not in client.get(reverse("person_detail", args=[budi.pk])).content.decode()
    )
    assert client.post(url, data).status_code == 403
    budi.refresh_from_db()
    assert budi.full_name == "Budi Santoso"


def test_a_person_is_filed_on_a_family_card_with_a_reason(client, staff):
    budi = intake(staff["petugas"], kk_number="1904010101200001").case.beneficiary
    old_family = budi.family_id
    client.force_login(staff["backoffice"])
    url = reverse("person_family", args=[budi.pk])
    new_kk = {"kk_number": "1904010202200002", "relationship": "head", "reason": "KK baru."}
    response = client.post(url, {**new_kk, "reason": ""})
    assert response.status_code == 400
    assert "Alasan perubahan wajib diisi." in response.content.decode()
    response = client.post(url, new_kk, follow=True)
    assert "Kartu keluarga diperbarui." in response.content.decode()
    assert "dipindahkan dari KK lama" in response.content.decode()
    budi.refresh_from_db()
    assert budi.family_id != old_family and budi.relationship == "head"
    record = budi.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (staff["backoffice"], "KK baru.")
    again = client.post(url, new_kk)
    assert again.status_code == 400 and "Tidak ada data yang berubah." in again.content.decode()
    client.force_login(staff["peksos"])
    assert client.post(url, new_kk).status_code == 403


def test_a_name_of_short_forms_folds_within_its_column_and_stays_correctable(client, staff):
    """Found by a reviewer: "M M M ..." folds to "muhamad muhamad ...", four times longer
    than the column, which then refused every later correction."""
    budi = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["backoffice"])
    url = reverse("person_correct", args=[budi.pk])
    assert client.post(url, form(budi, full_name="M " * 74 + "M")).status_code == 302
    budi.refresh_from_db()
    assert len(budi.search_name) <= 150
    assert client.post(url, form(budi, full_name="Budi Santoso")).status_code == 302


def test_moving_a_head_of_family_away_warns_that_the_old_card_has_no_head(staff):
    from cases.services import assign_family, register_person

    budi = intake(staff["petugas"], kk_number="1904010101200001").case.beneficiary
    budi.relationship = "head"
    budi.save()
    register_person(
        actor=staff["backoffice"],
        data=person(full_name="Siti Aminah", nik="1904015208850002", sex="F"),
        kk_number="1904010101200001",
    )

    warnings = assign_family(
        actor=staff["backoffice"],
        person=budi,
        kk_number="1904010202200002",
        relationship="head",
        reason="Menikah lagi, KK baru.",
    )
    assert any("KK lama kini tanpa kepala keluarga" in w for w in warnings)
    # Siti becomes head of the old card; then Budi joining it as head is warned too.
    siti = Person.objects.get(full_name="Siti Aminah")
    assign_family(
        actor=staff["backoffice"],
        person=siti,
        kk_number="1904010101200001",
        relationship="head",
        reason="Kepala keluarga baru.",
    )
    warnings = assign_family(
        actor=staff["backoffice"],
        person=budi,
        kk_number="1904010101200001",
        relationship="head",
        reason="Kembali.",
    )
    assert any("sudah punya kepala keluarga lain" in w for w in warnings)
