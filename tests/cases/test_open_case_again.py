"""A second open case for the same person and service (issue 13, fault 11): asked before
saving, in the service, so the API and the page both ask; the page carries the answers
already given, so each question is asked once; the KK the registry holds is offered."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Case
from core.errors import NeedsConfirmation
from tests.api.test_api_flow import APPLICANT
from tests.cases.test_views import FORM
from tests.conftest import NIK_MALE, api_token, intake
from tests.workflows.test_case_flow import accept_and_approve, deliver, refer, verify


def test_the_same_person_and_service_again_is_asked_before_saving(staff):
    first = intake(staff["petugas"]).case  # Budi, PBI-JK
    with pytest.raises(NeedsConfirmation) as asked:
        intake(staff["petugas"], confirm_open_case=False)
    assert asked.value.confirm == "confirm_open_case"
    [other] = asked.value.open_cases
    assert (other["number"], other["stage"]) == (first.number, "verification")
    assert other["services"] == [first.requested_services.get().name]
    assert Case.objects.count() == 1
    # Another service is another request: no question (the open case stays a warning).
    result = intake(staff["petugas"], requested_services=["atensi"], confirm_open_case=False)
    assert any(first.number in warning for warning in result.warnings)
    # Confirmed: opened.
    intake(staff["petugas"], confirm_open_case=True)
    assert Case.objects.count() == 3


def test_the_api_answers_409_with_the_open_case_then_a_confirmed_retry(staff):
    first = intake(staff["petugas"]).case
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(staff['petugas'])}")
    again = {
        "kind": "service_request",
        "channel": "walk_in",
        "ppks_category": "fakir-miskin",
        "description": "KIS PBI dinonaktifkan (datang lagi).",
        "requested_services": ["pbi-jk"],
        "applicant": APPLICANT,
    }
    response = api.post("/api/v1/cases/", again, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["confirm"] == "confirm_open_case"
    assert [c["number"] for c in body["open_cases"]] == [first.number]
    assert NIK_MALE not in response.content.decode()
    response = api.post("/api/v1/cases/", {**again, "confirm_open_case": True}, format="json")
    assert response.status_code == 201, response.content


def test_the_page_asks_once_for_each_question_in_turn(client, staff):
    """Budi's PBI-JK was delivered and his case is still open (follow-up): asking for
    PBI-JK again, the page asks about the open case, then about the double aid, carrying
    the first answer so it is not asked again."""
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)
    client.force_login(staff["petugas"])
    asked = client.post(reverse("case_open"), FORM)
    body = asked.content.decode()
    assert 'id="open-cases"' in body and first.number in body
    assert 'id="double-aid"' not in body
    asked = client.post(reverse("case_open"), dict(FORM, confirm_open_case="1"))
    body = asked.content.decode()
    assert 'id="double-aid"' in body and 'id="open-cases"' not in body
    assert '<input type="hidden" name="confirm_open_case" value="1">' in body
    assert Case.objects.count() == 1
    # The double-aid button posts the form with the carried answer.
    done = client.post(
        reverse("case_open"), dict(FORM, confirm_open_case="1", confirm_double_aid="1")
    )
    assert done.status_code == 302 and Case.objects.count() == 2


def test_the_registered_kk_is_offered_when_the_beneficiarys_nik_is_found(client, staff):
    budi = intake(staff["petugas"], kk_number="1904010101200001").case.beneficiary
    client.force_login(staff["petugas"])
    response = client.post(
        reverse("intake_nik_lookup"),
        {"prefix": "applicant", "applicant-nik": NIK_MALE, "beneficiary_is_applicant": "on"},
    )
    body = response.content.decode()
    offered = body.split('id="registry-family"', 1)[1].split("</div>", 1)[0]
    assert 'hx-swap-oob="true"' in offered
    assert budi.family.masked_kk_number in offered and "1904010101200001" not in body
    # The applicant looked up for someone else's case: the KK block is left alone.
    response = client.post(
        reverse("intake_nik_lookup"), {"prefix": "applicant", "applicant-nik": NIK_MALE}
    )
    assert "registry-family" not in response.content.decode()
    # Left empty, the case keeps the registered card.
    data = {k: v for k, v in FORM.items() if k != "kk_number"}
    response = client.post(
        reverse("case_open"), dict(data, requested_services=["atensi"], confirm_open_case="1")
    )
    assert response.status_code == 302
    assert Case.objects.latest("pk").beneficiary.family_id == budi.family_id
