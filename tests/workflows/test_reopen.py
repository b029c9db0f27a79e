"""A supervisor reopens a closed case from the case page and through the API, with a reason;
the timeline shows it (issue 13, fault 2)."""

from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Office, Role
from cases.models import Case
from tests.conftest import KOTA_BENGKALIS, api_token, intake, make_user, open_kinds, open_task
from tests.workflows.test_case_flow import verify
from workflows import services as wf


def closed_case(staff) -> Case:
    """A case found not eligible at the visit and closed by the supervisor."""
    case = intake(staff["petugas"]).case
    verify(staff, case, recommendation="not_eligible")
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    case.refresh_from_db()
    assert case.status == "closed"
    return case


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_supervisor_reopens_a_closed_case_from_the_case_page(client, staff):
    case = closed_case(staff)
    page = reverse("case_detail", args=[case.number])
    client.force_login(staff["backoffice"])
    assert "Buka kembali kasus" not in client.get(page).content.decode()

    client.force_login(staff["manajer"])
    assert "Buka kembali kasus" in client.get(page).content.decode()
    url = reverse("case_reopen", args=[case.number])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Bidang ini harus diisi." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "closed"

    response = client.post(url, {"reason": "Keluarga datang lagi: atap roboh."}, follow=True)
    case.refresh_from_db()
    assert (case.status, case.round, case.outcome) == ("open", 2, "")
    assert open_kinds(case) == ["assessment"]
    body = response.content.decode()
    assert "Kasus dibuka kembali" in body  # the message and the timeline
    assert "Keluarga datang lagi: atap roboh." in body
    assert "Buka kembali kasus" not in body  # open again: nothing to reopen


def test_reopen_through_the_api_for_each_role(staff):
    case = closed_case(staff)
    url = f"/api/v1/cases/{case.number}/reopen/"
    body = {"reason": "Keluarga datang lagi."}

    assert _api(staff["backoffice"]).post(url, body, format="json").status_code == 403
    assert _api(staff["dinkes"]).post(url, body, format="json").status_code == 404
    bengkalis = Office.objects.get(area_id=KOTA_BENGKALIS[:5])
    other_regency = make_user("manajer.bks", Role.SUPERVISOR, "14.03", office=bengkalis)
    assert _api(other_regency).post(url, body, format="json").status_code == 404
    missing = _api(staff["manajer"]).post(url, {"reason": " "}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()

    response = _api(staff["manajer"]).post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "number": case.number,
        "status": "open",
        "stage": "assessment",
        "round": 2,
    }
    again = _api(staff["manajer"]).post(url, body, format="json")
    assert again.status_code == 409
    assert "masih berjalan" in again.json()["detail"]
