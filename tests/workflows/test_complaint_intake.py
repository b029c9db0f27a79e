"""Complaints, questions and suggestions have their own intake with a tier, and a tier change
moves the open task's due date (issue 13, fault 3)."""

import datetime as dt
import zoneinfo

import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.calendar import add_working_days
from cases.models import Case
from tests.conftest import NIBUNG, NIK_MALE, api_token, intake, open_task

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
MONDAY = dt.datetime(2026, 7, 6, 9, 0, tzinfo=WIB)

COMPLAINT = {
    "kind": "complaint",
    "complaint_tier": "minor",
    "channel": "phone",
    "priority": "normal",
    "subject": "Sembako tidak diterima",
    "description": "Sembako bulan Mei dan Juni tidak diterima keluarga.",
    "applicant-nik": NIK_MALE,
    "applicant-full_name": "Budi Santoso",
    "applicant-birth_place": "Koba",
    "applicant-birth_date": "1985-08-12",
    "applicant-sex": "M",
    "applicant-region": NIBUNG,
    "applicant-rt": "002",
    "applicant-rw": "001",
}


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_the_complaint_form_shows_each_tiers_deadline_and_opens_a_complaint(client, staff):
    client.force_login(staff["petugas"])
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(reverse("complaint_open")).content.decode()
        # Each tier says when handling would be due: minor 2 working days, so Wednesday.
        assert "Ringan (2 hari kerja) · tenggat Rab, 8 Jul 2026 09:00" in page
        assert "Perlu investigasi (60 hari kerja) · tenggat" in page
        assert "Kategori PPKS" not in page and "Kelengkapan berkas" not in page
        response = client.post(reverse("complaint_open"), COMPLAINT)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.kind, case.complaint_tier, case.ppks_category) == ("complaint", "minor", None)
    assert case.subject == "Sembako tidak diterima"
    assert open_task(case, "handling").due_at == MONDAY + dt.timedelta(days=2)

    body = client.get(response["Location"]).content.decode()
    assert "Pengaduan 1904-2026-000001 dicatat." in body
    assert "Sembako tidak diterima" in body
    assert "Penanganan" in body  # the stage's name for a complaint, not "Asesmen"


def test_the_complaint_form_names_what_is_missing(client, staff):
    client.force_login(staff["petugas"])
    response = client.post(reverse("complaint_open"), {**COMPLAINT, "subject": ""})
    assert response.status_code == 200
    assert "Bidang ini harus diisi." in response.content.decode()
    assert not Case.objects.exists()


def test_a_complaint_requests_no_service(staff):
    body = {
        "kind": "question",
        "channel": "phone",
        "description": "Kapan PKH cair?",
        "requested_services": ["pkh"],
        "applicant": {
            "nik": NIK_MALE,
            "full_name": "Budi Santoso",
            "birth_date": "1985-08-12",
            "sex": "M",
            "address": {"region_code": NIBUNG, "rt": "002", "rw": "001", "street": "Jl. Koba"},
        },
    }
    response = _api(staff["petugas"]).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "tidak memohon layanan" in response.json()["requested_services"][0]
    response = _api(staff["petugas"]).post(
        "/api/v1/cases/", {**body, "requested_services": []}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Case.objects.get().ppks_category is None


def test_patching_the_tier_moves_the_open_tasks_due_date_with_history(staff):
    """The reported input: a complaint opened as "investigation" (60 working days) and
    PATCHed to "minor" kept its 60-day deadline."""
    with time_machine.travel(MONDAY, tick=False):
        case = intake(
            staff["petugas"],
            kind="complaint",
            requested_services=[],
            complaint_tier="investigation",
        ).case
    task = open_task(case, "handling")
    assert task.due_at == add_working_days(MONDAY, 60)

    api = _api(staff["backoffice"])
    etag = api.get(f"/api/v1/cases/{case.number}/")["ETag"]
    response = api.patch(
        f"/api/v1/cases/{case.number}/",
        {"complaint_tier": "minor"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.due_at == MONDAY + dt.timedelta(days=2)
    latest = task.history.first()
    assert latest.history_user == staff["backoffice"]
    assert "Perlu investigasi" in latest.history_change_reason
    assert "Ringan" in latest.history_change_reason


def test_the_case_team_changes_the_tier_on_the_case_page(client, staff):
    with time_machine.travel(MONDAY, tick=False):
        case = intake(
            staff["petugas"], kind="complaint", requested_services=[], complaint_tier="normative"
        ).case
    client.force_login(staff["dinkes"])  # not on the case team: no form, nothing changes
    response = client.post(
        reverse("case_change_tier", args=[case.number]), {"complaint_tier": "minor"}
    )
    assert response.status_code == 404
    client.force_login(staff["backoffice"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Ubah tingkat" in page
    response = client.post(
        reverse("case_change_tier", args=[case.number]), {"complaint_tier": "minor"}
    )
    assert response.status_code == 302
    assert open_task(case, "handling").due_at == MONDAY + dt.timedelta(days=2)


def test_a_service_request_has_no_tier_to_change(staff):
    case = intake(staff["petugas"]).case
    api = _api(staff["backoffice"])
    etag = api.get(f"/api/v1/cases/{case.number}/")["ETag"]
    response = api.patch(
        f"/api/v1/cases/{case.number}/",
        {"complaint_tier": "minor"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 400
    assert "bukan permohonan layanan" in response.json()["complaint_tier"][0]
