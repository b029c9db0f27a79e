"""The whole workflow through the API only, with the demo accounts."""

from django.utils import timezone

from tests.conftest import NIBUNG

APPLICANT = {
    "nik": "1904011208850001",
    "full_name": "Budi Santoso",
    "birth_date": "1985-08-12",
    "sex": "M",
    "birth_place": "Koba",
    "phone": "081234567890",
    "address": {"region_code": NIBUNG, "rt": "002", "rw": "001", "street": "Jl. Raya Koba 5"},
}


def _now():
    return timezone.now().isoformat()


def _only_task(client, number, kind):
    response = client.get("/api/v1/tasks/", {"case": number, "kind": kind})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert len(results) == 1, results
    return results[0]


def _complete(client, number, kind, payload, claim=False):
    task = _only_task(client, number, kind)
    if claim:
        assert client.post(f"/api/v1/tasks/{task['id']}/claim/").status_code == 200
    response = client.post(f"/api/v1/tasks/{task['id']}/complete/", payload, format="json")
    assert response.status_code == 200, response.content
    return response.json()["stage"]


def test_service_request_from_intake_to_closed_through_every_role(api):
    created = api("petugas").post(
        "/api/v1/cases/",
        {
            "kind": "service_request",
            "channel": "walk_in",
            "ppks_category": "fakir-miskin",
            "description": "KIS PBI dinonaktifkan, anak perlu berobat.",
            "requested_services": ["pbi-jk"],
            "applicant": APPLICANT,
            "kk_number": "1904010101200001",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    number = body["number"]
    assert (body["kind"], body["stage"], body["status"], len(body["warnings"])) == (
        "service_request",
        "verification",
        "open",
        1,
    )
    assert body["warnings"][0].startswith("Berkas persyaratan belum lengkap: ")

    stage = _complete(
        api("peksos"),
        number,
        "verification",
        {
            "visited_at": _now(),
            "findings": "Rumah papan, atap bocor.",
            "recommendation": "eligible",
        },
        claim=True,
    )
    assert stage == "assessment"
    stage = _complete(
        api("backoffice"),
        number,
        "assessment",
        {"resolution": "refer", "referrals": [{"service": "pbi-jk", "note": "Mohon aktifkan"}]},
    )
    # The demo's offices keep the manager's decision on the services (penetapan layanan).
    assert stage == "decision"
    decision = _only_task(api("manajer"), number, "service_decision")
    recommended = decision["recommendation"]
    assert [(r["service"], r["agency"], r["note"]) for r in recommended] == [
        ("pbi-jk", "dinkes-bateng", "Mohon aktifkan")
    ]
    beneficiary = api("manajer").get(f"/api/v1/cases/{number}/").json()["beneficiary"]
    assert recommended[0]["beneficiary"] == beneficiary["id"]
    stage = _complete(api("manajer"), number, "service_decision", {"decision": "approve"})
    assert stage == "referral"
    assert _complete(api("dinkes"), number, "referral_review", {"decision": "accept"}) == "referral"
    assert _complete(api("kadinkes"), number, "approval", {"decision": "approve"}) == "delivery"
    stage = _complete(
        api("dinkes"),
        number,
        "delivery",
        {"delivered_at": _now(), "channel": "service", "items": "PBI-JK aktif kembali"},
    )
    assert stage == "follow_up"
    stage = _complete(
        api("peksos"),
        number,
        "follow_up",
        {"contacted_at": _now(), "outcome": "improved", "note": "Sudah berobat"},
    )
    assert stage == "closure"
    assert _complete(api("manajer"), number, "closure", {"decision": "close"}) == "closed"

    detail = api("manajer").get(f"/api/v1/cases/{number}/")
    data = detail.json()
    assert detail["ETag"]
    assert (data["status"], data["outcome"], data["open_tasks"]) == ("closed", "served", [])
    assert data["beneficiary"]["nik"] == "1904••••••••0001"
    assert [(r["service"], r["agency"], r["status"]) for r in data["referrals"]] == [
        ("pbi-jk", "dinkes-bateng", "delivered")
    ]
    timeline = api("manajer").get(f"/api/v1/cases/{number}/timeline/").json()["results"]
    actors = {e["actor"] for e in timeline}
    assert {"petugas", "peksos", "backoffice", "dinkes", "kadinkes", "manajer"} <= actors
    assert all(e["at"] and e["kind"] and e["summary"] for e in timeline)


def test_complaint_from_intake_to_closed(api):
    created = api("petugas").post(
        "/api/v1/cases/",
        {
            "kind": "complaint",
            "channel": "phone",
            "ppks_category": "fakir-miskin",
            "description": "Sembako tidak diterima tiga bulan.",
            "applicant": APPLICANT,
            "complaint_tier": "minor",
        },
        format="json",
    )
    number = created.json()["number"]
    assert created.json()["stage"] == "assessment"
    _complete(api("backoffice"), number, "handling", {"note": "KKS terblokir, dibuka."})
    _complete(
        api("backoffice"),
        number,
        "response",
        {"response": "Bantuan cair bulan depan.", "channel": "phone"},
    )
    assert _complete(api("manajer"), number, "closure", {"decision": "close"}) == "closed"
    assert api("petugas").get(f"/api/v1/cases/{number}/").json()["outcome"] == "answered"
