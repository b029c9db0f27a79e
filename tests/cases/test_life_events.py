"""Life events (issue 14): a person is marked deceased, moved, not found or no longer
eligible, never deleted; their open cases and pending referrals are flagged on the case
page and listed for validation in the area."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Person
from tests.conftest import intake, person
from tests.workflows.test_case_flow import refer, verify

DEATH = {
    "life_status": "deceased",
    "life_status_date": "2026-10-30",
    "life_status_source": "Akta kematian Dukcapil",
}


def test_a_death_is_recorded_and_flags_the_open_case_and_its_pending_referral(client, staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    budi = case.beneficiary
    client.force_login(staff["backoffice"])
    response = client.post(reverse("person_life_event", args=[budi.pk]), DEATH)
    assert response.status_code == 302
    budi.refresh_from_db()
    assert (budi.life_status, budi.life_status_date) == ("deceased", dt.date(2026, 10, 30))
    record = budi.history.latest("history_date")
    assert record.history_user == staff["backoffice"]
    assert record.history_change_reason == "Akta kematian Dukcapil"
    assert Person.objects.filter(pk=budi.pk).exists()  # never deleted
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    flag = page.split("data-needs-validation", 1)[1].split("</div>", 1)[0]
    assert "Meninggal dunia" in flag and "30 Okt 2026" in flag and "PBI-JK" in flag
    listed = client.get(reverse("validation_list")).content.decode()
    assert case.number in listed
    # Another regency's officer sees none of it.
    client.force_login(staff["petugas_bks"])
    assert case.number not in client.get(reverse("validation_list")).content.decode()


def test_a_death_needs_its_date_and_a_source_and_no_date_ahead(client, staff):
    budi = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["backoffice"])
    url = reverse("person_life_event", args=[budi.pk])
    response = client.post(url, {**DEATH, "life_status_date": ""})
    assert response.status_code == 400
    assert "Tanggal meninggal wajib diisi." in response.content.decode()
    response = client.post(url, {**DEATH, "life_status_date": "2099-01-01"})
    assert response.status_code == 400
    assert "Tanggal tidak boleh di masa depan." in response.content.decode()
    Person.objects.filter(pk=budi.pk).update(birth_date=None)  # no birth date to lean on
    response = client.post(url, {**DEATH, "life_status_date": "1800-01-01"})
    assert response.status_code == 400
    assert "Tanggal tidak boleh sebelum tahun 1900." in response.content.decode()
    budi.refresh_from_db()
    assert budi.life_status == "active"


def test_only_the_officers_of_the_area_record_it(client, staff):
    budi = intake(staff["petugas"]).case.beneficiary
    url = reverse("person_life_event", args=[budi.pk])
    client.force_login(staff["peksos"])
    assert client.post(url, DEATH).status_code == 403
    for role in ("dinkes", "petugas_bks"):
        client.force_login(staff[role])
        assert client.post(url, DEATH).status_code == 404


def test_the_validation_list_costs_the_same_at_any_size(client, staff):
    client.force_login(staff["backoffice"])
    counts = []
    for start, n in ((0, 2), (2, 6)):
        for i in range(start, start + n):
            case = intake(
                staff["petugas"],
                applicant=person(nik=f"19040112088{i + 100:05d}", full_name=f"P {i}"),
            ).case
            Person.objects.filter(pk=case.beneficiary_id).update(
                life_status="moved", life_status_date=dt.date(2026, 10, 1)
            )
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("validation_list")).content.decode()
        rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert rows.count("Pindah domisili") == start + n
        counts.append(len(queries))
    assert counts[0] == counts[1]
