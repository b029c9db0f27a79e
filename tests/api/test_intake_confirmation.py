"""Intake asks the officer to look first, on the API as on the page (one rule, in
``workflows.services.open_case``): a likely duplicate person or aid already received answers
409 with what was found and writes nothing; a retry that picks the record or confirms goes
through."""

import pytest
from rest_framework.test import APIClient

from cases.models import Case, Person
from core.errors import NeedsConfirmation
from tests.api.test_api_flow import APPLICANT
from tests.conftest import NIK_MALE, api_token, intake, person
from tests.workflows.test_case_flow import accept_and_approve, deliver, refer, verify

# Budi Santoso again, without his KTP and with his name misspelt: the same village and birth
# date as the registered Budi.
LOOK_ALIKE = {
    **APPLICANT,
    "nik": "",
    "no_nik_reason": "KTP hilang",
    "full_name": "Budi Santosa",
}
CASE = {
    "kind": "service_request",
    "channel": "walk_in",
    "ppks_category": "fakir-miskin",
    "description": "KIS PBI dinonaktifkan.",
    "requested_services": ["pbi-jk"],
}


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_a_look_alike_new_person_answers_409_with_the_candidate_then_a_retry_goes_through(staff):
    budi = intake(staff["petugas"]).case.beneficiary
    api = _client(staff["petugas"])

    response = api.post("/api/v1/cases/", {**CASE, "applicant": LOOK_ALIKE}, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["code"], body["confirm"]) == ("needs_confirmation", "confirm_new_person")
    [candidate] = body["likely_duplicates"]["applicant"]
    assert candidate["id"] == budi.pk and candidate["full_name"] == "Budi Santoso"
    assert candidate["has_nik"] is True and "nik" not in candidate
    # No NIK digits at all: with the village and birth date they would give it away.
    assert NIK_MALE[-4:] not in response.content.decode()
    assert (Case.objects.count(), Person.objects.count()) == (1, 1)

    # The same person: pick the registered record.
    picked = {**LOOK_ALIKE, "existing_person_id": budi.pk}
    response = api.post(
        "/api/v1/cases/",
        # Budi's first PBI-JK case is still open: that question is answered here.
        {**CASE, "applicant": picked, "confirm_open_case": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get(number=response.json()["number"]).beneficiary == budi

    # Someone else after all: confirm, and a second record is made (with the warning kept).
    response = api.post(
        "/api/v1/cases/",
        {**CASE, "applicant": LOOK_ALIKE, "confirm_new_person": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Person.objects.count() == 2
    assert any("Kemungkinan data ganda" in w for w in response.json()["warnings"])


def test_aid_already_received_this_period_answers_409_then_a_confirmed_retry(staff):
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)
    api = _client(staff["petugas"])
    # JAMKESDA is the same aid type (health insurance) as the PBI-JK Budi received.
    again = {**CASE, "requested_services": ["jamkesda"], "applicant": APPLICANT}

    response = api.post("/api/v1/cases/", again, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["confirm"] == "confirm_double_aid" and body["likely_duplicates"] == {}
    [aid] = body["double_aid"]
    assert aid["service"].startswith("PBI-JK")
    assert aid["agency"] == first.referrals.get().agency.name
    assert Case.objects.count() == 1

    response = api.post("/api/v1/cases/", {**again, "confirm_double_aid": True}, format="json")
    assert response.status_code == 201, response.content
    assert Case.objects.count() == 2


def test_the_service_asks_before_writing_and_only_about_people_in_the_officers_area(staff):
    intake(staff["petugas"])
    with pytest.raises(NeedsConfirmation) as asked:
        intake(
            staff["petugas"],
            applicant=person(nik="", no_nik_reason="KTP hilang", full_name="Budi Santosa"),
            confirm_new_person=False,
        )
    assert list(asked.value.likely_duplicates) == ["applicant"]
    assert asked.value.status_code == 409
    assert Case.objects.count() == 1 and Person.objects.count() == 1
    # A look-alike in another village is not asked about.
    result = intake(
        staff["backoffice"],
        applicant=person(nik="", no_nik_reason="belum rekam", region_code="19.04.02.2004"),
        confirm_new_person=False,
    )
    assert result.case.pk
