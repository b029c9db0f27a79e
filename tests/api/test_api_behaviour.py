"""What every endpoint keeps: scope, error format, ETags, idempotency, attachments, speed."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case
from tests.api.test_api_flow import APPLICANT

CASE = {
    "kind": "service_request",
    "channel": "walk_in",
    "ppks_category": "fakir-miskin",
    "description": "KIS PBI dinonaktifkan.",
    "requested_services": ["pbi-jk"],
    "applicant": APPLICANT,
}
# A one-pixel PNG: uploads are decoded (cases.attachments), so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)


def _open(api, username="petugas", **extra):
    response = api(username).post("/api/v1/cases/", {**CASE, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["number"]


def test_requests_without_a_token_are_refused_as_json(demo_accounts):
    response = APIClient().get("/api/v1/cases/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_wrong_password_then_lockout_with_a_clear_json_message(demo_accounts):
    client = APIClient()
    statuses = [
        client.post("/api/v1/auth/token/", {"username": "petugas", "password": "x"}).status_code
        for _attempt in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]  # the fifth failure locks the account
    response = client.post(
        "/api/v1/auth/token/", {"username": "petugas", "password": "simpul-demo"}
    )
    assert response.status_code == 429
    assert "dikunci" in response.json()["detail"]


def test_me_lists_memberships(api):
    data = api("dinkes").get("/api/v1/me/").json()
    assert data["username"] == "dinkes"
    assert data["memberships"][0]["agency"] == "dinkes-bateng"
    assert data["memberships"][0]["role"] == "agency_staff"


def test_catalogues(api):
    client = api("petugas")
    regions = client.get("/api/v1/regions/", {"parent": "19.04", "q": "ko"}).json()
    assert [r["code"] for r in regions] == ["19.04.01"]
    services = {s["code"]: s for s in client.get("/api/v1/services/").json()}
    assert services["pbi-jk"]["agency"] == "dinkes"
    categories = client.get("/api/v1/ppks-categories/").json()
    assert len(categories) == 26
    assert any(a["code"] == "dinkes-bateng" for a in client.get("/api/v1/agencies/").json())


def test_bad_intake_answers_field_keyed_errors_and_writes_nothing(api):
    bad = {**CASE, "applicant": {**APPLICANT, "nik": "19040112088500"}, "ppks_category": "x"}
    response = api("petugas").post("/api/v1/cases/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "16 digit" in body["applicant.nik"][0]
    assert "ppks_category" in body
    assert Case.objects.count() == 0
    garbage = api("petugas").post("/api/v1/cases/", {"kind": 5}, format="json")
    assert garbage.status_code == 400 and "kind" in garbage.json()


def test_warnings_come_back_on_creation(api):
    response = api("petugas").post(
        "/api/v1/cases/",
        {**CASE, "applicant": {**APPLICANT, "birth_date": "1985-08-13"}},
        format="json",
    )
    assert any("Tanggal lahir" in w for w in response.json()["warnings"])


def test_other_regency_and_unreferred_agency_get_404(api):
    number = _open(api)
    for username in ("petugas.bks", "dinkes", "admin"):
        assert api(username).get(f"/api/v1/cases/{number}/").status_code == 404, username
        assert api(username).get(f"/api/v1/cases/{number}/timeline/").status_code == 404


def test_patch_needs_a_fresh_etag(api):
    number = _open(api)
    client = api("backoffice")
    etag = client.get(f"/api/v1/cases/{number}/")["ETag"]
    assert client.patch(f"/api/v1/cases/{number}/", {"priority": "high"}).status_code == 428
    response = client.patch(
        f"/api/v1/cases/{number}/", {"priority": "high"}, HTTP_IF_MATCH=etag, format="json"
    )
    assert response.status_code == 200 and response.json()["priority"] == "high"
    assert response["ETag"] != etag
    stale = client.patch(
        f"/api/v1/cases/{number}/", {"priority": "low"}, HTTP_IF_MATCH=etag, format="json"
    )
    assert stale.status_code == 412
    fresh = response["ETag"]
    refused = client.patch(
        f"/api/v1/cases/{number}/", {"number": "x"}, HTTP_IF_MATCH=fresh, format="json"
    )
    assert refused.status_code == 400 and "number" in refused.json()
    history = Case.objects.get(number=number).history.first()
    assert history.history_user.username == "backoffice" and history.priority == "high"


def test_schema_documents_the_etag_and_the_required_if_match(api):
    """A client (and schemathesis' stateful run) reads from the schema that a case's answers
    carry an ETag and that a PATCH must send it back as If-Match (without it: 428)."""
    schema = api("backoffice").get("/api/schema/", {"format": "json"}).json()
    case = schema["paths"]["/api/v1/cases/{number}/"]
    for method in ("get", "patch"):
        assert case[method]["responses"]["200"]["headers"]["ETag"]["required"] is True, method
    (if_match,) = [p for p in case["patch"]["parameters"] if p["name"] == "If-Match"]
    assert if_match["in"] == "header" and if_match["required"] is True


def test_a_nul_character_in_the_regions_query_is_a_400_naming_the_parameter(api):
    """Found by the schemathesis run on PostgreSQL, which cannot store or compare a NUL
    character: ``GET /regions/?q=...`` with one was a 500. The fuzzer's exact ``q``."""
    client = api("petugas")
    for params, field in [
        ({"q": "\x9eh=G\xb8`\xea\x00\x81\xaa\xaa"}, "q"),
        ({"parent": "19.04\x00"}, "parent"),
    ]:
        response = client.get("/api/v1/regions/", params)
        assert response.status_code == 400, (params, response.content)
        assert list(response.json()) == [field], response.json()
    found = client.get("/api/v1/regions/", {"parent": "19.04", "q": " ko "}).json()
    assert [region["code"] for region in found] == ["19.04.01"]


def test_claim_conflict_and_closed_task_answer_409(api):
    number = _open(api)
    task = api("peksos").get("/api/v1/tasks/", {"case": number}).json()["results"][0]
    assert api("peksos").post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    taken = api("peksos.bateng").post(f"/api/v1/tasks/{task['id']}/claim/")
    assert taken.status_code == 409 and taken.json()["holder"] == "Andi Saputra"
    payload = {
        "visited_at": timezone.now().isoformat(),
        "findings": "ok",
        "recommendation": "eligible",
    }
    done = api("peksos").post(f"/api/v1/tasks/{task['id']}/complete/", payload, format="json")
    assert done.status_code == 200
    again = api("peksos").post(f"/api/v1/tasks/{task['id']}/complete/", payload, format="json")
    assert again.status_code == 409


def test_complete_with_bad_payload_answers_400_with_fields(api):
    number = _open(api)
    task = api("peksos").get("/api/v1/tasks/", {"case": number}).json()["results"][0]
    response = api("peksos").post(
        f"/api/v1/tasks/{task['id']}/complete/", {"recommendation": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert {"visited_at", "findings", "recommendation"} <= set(response.json())


def test_wrong_role_on_a_visible_task_answers_403(api):
    number = _open(api)
    task = api("backoffice").get("/api/v1/cases/" + number + "/").json()["open_tasks"][0]
    response = api("backoffice").post(f"/api/v1/tasks/{task['id']}/claim/")
    assert response.status_code == 403


def test_idempotency_key_replays_the_first_answer(api):
    client = api("petugas")
    first = client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    second = client.post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert second["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    other = client.post(
        "/api/v1/cases/",
        {**CASE, "description": "lain"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="abc-1",
    )
    assert other.status_code == 422
    # Another caller's key space is separate (a second case for Budi's PBI-JK, confirmed).
    assert (
        api("backoffice")
        .post(
            "/api/v1/cases/",
            {**CASE, "confirm_open_case": True},
            format="json",
            HTTP_IDEMPOTENCY_KEY="abc-1",
        )
        .status_code
        == 201
    )


def test_revoke_through_the_api(api):
    number = _open(api)
    task = api("peksos").get("/api/v1/tasks/", {"case": number}).json()["results"][0]
    api("peksos").post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"visited_at": timezone.now().isoformat(), "findings": "ok", "recommendation": "eligible"},
        format="json",
    )
    task = api("backoffice").get("/api/v1/tasks/", {"case": number}).json()["results"][0]
    api("backoffice").post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"resolution": "refer", "referrals": [{"service": "pbi-jk"}]},
        format="json",
    )
    task = api("manajer").get("/api/v1/tasks/", {"case": number}).json()["results"][0]
    assert task["kind"] == "service_decision"
    api("manajer").post(
        f"/api/v1/tasks/{task['id']}/complete/", {"decision": "approve"}, format="json"
    )
    referral = api("dinkes").get("/api/v1/referrals/", {"status": "sent"}).json()["results"][0]
    assert (
        api("dinkes")
        .post(f"/api/v1/referrals/{referral['id']}/revoke/", {"reason": "x"})
        .status_code
        == 403
    )
    empty = api("backoffice").post(f"/api/v1/referrals/{referral['id']}/revoke/", {})
    assert empty.status_code == 400 and "reason" in empty.json()
    done = api("backoffice").post(
        f"/api/v1/referrals/{referral['id']}/revoke/", {"reason": "Salah layanan"}
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert (
        api("petugas.bks")
        .post(f"/api/v1/referrals/{referral['id']}/revoke/", {"reason": "x"})
        .status_code
        == 404
    )


def test_attachments_have_type_and_size_rules_and_scoped_downloads(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    number = _open(api)
    client = api("petugas")
    text = client.post(
        f"/api/v1/cases/{number}/attachments/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.txt", b"hello")},
        format="multipart",
    )
    assert text.status_code == 400 and "file" in text.json()
    big = client.post(
        f"/api/v1/cases/{number}/attachments/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.png", PNG + b"0" * (5 * 1024 * 1024))},
        format="multipart",
    )
    assert big.status_code == 400 and "5 MB" in big.json()["file"][0]
    ok = client.post(
        f"/api/v1/cases/{number}/attachments/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.png", PNG, "image/png")},
        format="multipart",
    )
    assert ok.status_code == 201
    url = ok.json()["download_url"]
    assert client.get(url).status_code == 200
    assert api("petugas.bks").get(url).status_code == 404


def test_dashboard_counts_in_scope(api):
    _open(api)
    data = api("manajer").get("/api/v1/dashboard/").json()
    assert data["by_stage"] == {"verification": 1} and data["open_cases"] == 1
    assert api("petugas.bks").get("/api/v1/dashboard/").json()["open_cases"] == 0


def test_notifications_list_and_read(api):
    from django.contrib.auth import get_user_model

    from workflows.notifications import notify

    peksos = get_user_model().objects.get(username="peksos")
    notify(
        [peksos],
        kind="overdue",
        params={"kind": "verification", "case": "X-1", "due": "2026-05-13T10:00:00+07:00"},
    )
    items = api("peksos").get("/api/v1/notifications/").json()["results"]
    assert [n["message"] for n in items] == [
        "Tugas Verifikasi (kunjungan rumah) kasus X-1 terlambat (tenggat 13 Mei 2026 10:00)."
    ]
    read = api("peksos").post(f"/api/v1/notifications/{items[0]['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert api("manajer").post(f"/api/v1/notifications/{items[0]['id']}/read/").status_code == 404


def test_schema_and_docs_are_served_without_a_cdn(client, demo_accounts):
    client.force_login(get_user_model().objects.get(username="petugas"))  # signed-in only
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/cases/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def _nik(i: int) -> str:
    return f"19040112088{i:05d}"


@pytest.mark.parametrize(
    "username, path",
    [
        ("petugas", "/api/v1/cases/"),
        ("peksos", "/api/v1/tasks/"),
        ("backoffice", "/api/v1/referrals/"),
        ("peksos", "/api/v1/notifications/"),
    ],
)
def test_list_endpoints_keep_a_constant_query_count(api, username, path):
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, Service
    from cases.models import Case as CaseModel
    from referrals.models import Referral
    from tests.conftest import notice

    client = api(username)
    service = Service.objects.get(code="pbi-jk")
    agency = Agency.objects.get(code="dinkes-bateng")

    def grow(start, count):
        for i in range(start, start + count):
            number = _open(
                api,
                applicant={
                    **APPLICANT,
                    "nik": _nik(i),
                    "full_name": f"W {i}",
                    "birth_date": "1988-08-12",
                },
                confirm_new_person=True,  # "W 1", "W 2"... look alike on purpose
            )
            case = CaseModel.objects.get(number=number)
            notice([get_user_model().objects.get(username="peksos")], "m", case=case)
            Referral.objects.create(
                case=case,
                service=service,
                agency=agency,
                sent_by=case.opened_by,
                sent_at=timezone.now(),
                due_at=timezone.now(),
                at_risk_at=timezone.now(),
            )

    grow(0, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(2, 20)
    with CaptureQueriesContext(connection) as large:
        body = client.get(path).json()
    assert len(body["results"]) >= 20
    assert len(small) == len(large), path


def test_ids_beyond_64_bits_answer_404_not_500(api):
    client = api("peksos")
    assert client.post(f"/api/v1/tasks/{2**63}/claim/").status_code == 404
    assert client.get(f"/api/v1/attachments/{2**63}/").status_code == 404
    assert client.post(f"/api/v1/tasks/{2**31}/claim/").status_code == 404


def test_nik_search_goes_in_the_body_never_the_url(api):
    number = _open(api)
    petugas = api("petugas")
    refused = petugas.get("/api/v1/cases/", {"q": APPLICANT["nik"]})
    assert refused.status_code == 400
    assert "POST /api/v1/cases/search/" in refused.json()["q"][0]
    found = petugas.post("/api/v1/cases/search/", {"q": APPLICANT["nik"]}, format="json")
    assert found.status_code == 200
    assert [c["number"] for c in found.json()["results"]] == [number]
    # Scoped like the list: another regency finds nothing.
    other = api("petugas.bks").post("/api/v1/cases/search/", {"q": APPLICANT["nik"]})
    assert other.status_code == 200 and other.json()["results"] == []
