"""Recording a DTKS/DTSEN check (issue 14): status, decile, as-of date and source for a
family, recorded by the officers of its area; the case's registry findings follow it, so a
case and its beneficiary's card never disagree."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import Family
from tests.conftest import intake

KK = "1904010101200001"


def check(**overrides) -> dict:
    data = {
        "registry_status": "in_dtsen",
        "decile": "2",
        "registry_as_of": "2026-11-02",
        "registry_source": "Cek di SIKS-NG / DTSEN",
    }
    data.update(overrides)
    return data


def test_a_recorded_check_shows_on_the_card_and_on_every_case(client, staff):
    case = intake(staff["petugas"], kk_number=KK).case
    budi = case.beneficiary
    client.force_login(staff["backoffice"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Belum dicek" in page.split('id="registry-heading"', 1)[1]
    response = client.post(reverse("person_registry_check", args=[budi.pk]), check())
    assert response.status_code == 302
    family = Family.objects.get(pk=budi.family_id)
    assert (family.registry_status, family.decile) == ("in_dtsen", 2)
    assert family.registry_as_of == dt.date(2026, 11, 2)
    assert family.history.latest("history_date").history_user == staff["backoffice"]
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    findings = page.split('id="registry-heading"', 1)[1].split("</section>", 1)[0]
    assert "Terdaftar di DTKS/DTSEN · desil 2" in findings
    assert "Cek di SIKS-NG / DTSEN" in findings


def test_a_decile_needs_the_registry_and_the_date_cannot_be_ahead(client, staff):
    budi = intake(staff["petugas"], kk_number=KK).case.beneficiary
    client.force_login(staff["backoffice"])
    url = reverse("person_registry_check", args=[budi.pk])
    response = client.post(url, check(registry_status="not_in_dtsen"))
    assert response.status_code == 400
    assert "Desil hanya diisi untuk keluarga yang terdaftar" in response.content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, check(registry_as_of=tomorrow))
    assert response.status_code == 400
    assert "Tanggal cek tidak boleh di masa depan." in response.content.decode()
    response = client.post(url, check(registry_as_of="0001-01-01"))
    assert response.status_code == 400
    assert "sebelum DTKS ada" in response.content.decode()
    budi.refresh_from_db()
    assert budi.family.registry_status == "unknown"


def test_only_the_officers_of_the_area_record_a_check(client, staff):
    budi = intake(staff["petugas"], kk_number=KK).case.beneficiary
    url = reverse("person_registry_check", args=[budi.pk])
    client.force_login(staff["peksos"])
    assert client.post(url, check()).status_code == 403
    for role in ("dinkes", "petugas_bks"):
        client.force_login(staff[role])
        assert client.post(url, check()).status_code == 404
    budi.refresh_from_db()
    assert budi.family.registry_status == "unknown"
