"""API tokens and Idempotency-Key replays (issue 10, faults 6 and 7).

A token comes from each login, is stored only as a digest, lives 10 hours and ends on logout,
log-out-everywhere, a password change or deactivation. A stored Idempotency-Key answer is
replayed only after authentication, only to the same user, and for 24 hours.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.models import Case, IdempotencyRecord
from tests.api.test_api_behaviour import CASE
from tests.api.test_api_flow import APPLICANT
from web.demo import DEMO_PASSWORD
from workflows.background import run_periodic_jobs

User = get_user_model()
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def login(username: str = "petugas") -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expiry"}
    return body["token"]


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = client_with(token).get("/api/v1/me/").status_code
    assert status in (200, 401), status
    return status == 200


# Fault 6: tokens


def test_a_token_ends_ten_hours_after_login(demo_accounts):
    with time_machine.travel(T0, tick=False):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "petugas", "password": DEMO_PASSWORD}
        )
        token = response.json()["token"]
        assert dt.datetime.fromisoformat(response.json()["expiry"]) == T0 + dt.timedelta(hours=10)
    with time_machine.travel(T0 + dt.timedelta(hours=9, minutes=59), tick=False):
        assert works(token)  # using it does not extend it ...
    with time_machine.travel(T0 + dt.timedelta(hours=10, seconds=1), tick=False):
        assert not works(token)  # ... ten hours after login it is refused


def test_two_logins_give_two_different_tokens(demo_accounts):
    first, second = login(), login()
    assert first != second
    assert works(first) and works(second)


def test_logout_ends_only_that_token(demo_accounts):
    phone, laptop = login(), login()
    assert client_with(phone).post("/api/v1/auth/logout/").status_code == 204
    assert not works(phone)
    assert works(laptop)


def test_logout_all_ends_every_token_of_the_account(demo_accounts):
    phone, laptop, colleague = login(), login(), login("peksos")
    assert client_with(phone).post("/api/v1/auth/logout-all/").status_code == 204
    assert not works(phone) and not works(laptop)
    assert works(colleague)


def test_a_password_change_ends_every_token(demo_accounts):
    phone, laptop = login(), login()
    user = User.objects.get(username="petugas")
    user.set_password("kata-sandi-baru-2026")
    user.save()
    assert not works(phone) and not works(laptop)
    assert not AuthToken.objects.filter(user=user).exists()


def test_deactivation_ends_every_token(demo_accounts):
    phone, laptop = login(), login()
    user = User.objects.get(username="petugas")
    user.is_active = False
    user.save()
    assert not works(phone) and not works(laptop)
    assert not AuthToken.objects.filter(user=user).exists()


def test_signing_in_does_not_end_other_tokens(demo_accounts):
    phone = login()
    login()  # updates last_login on the user row
    assert works(phone)


def test_the_token_is_not_stored_in_plain_text(demo_accounts):
    # Sent with an Idempotency-Key, as a client adding the header to every POST would.
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "petugas", "password": DEMO_PASSWORD},
        HTTP_IDEMPOTENCY_KEY="login-1",
    )
    token = response.json()["token"]
    assert works(token)
    holders = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("latin-1")
                    if token in str(value):
                        holders.append(table)
    assert holders == []


def test_the_admin_token_list_shows_no_secret_and_revokes(demo_accounts, admin_client):
    token = login()
    response = admin_client.get("/admin/knox/authtoken/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "petugas" in page
    assert token not in page and token[:15] not in page  # neither the token nor its key
    stored = AuthToken.objects.get(user__username="petugas")
    # No page of its own (its address would carry the digest) and no way to make one.
    assert admin_client.get(f"/admin/knox/authtoken/{stored.pk}/change/").status_code in (
        403,
        404,
    )
    assert admin_client.get("/admin/knox/authtoken/add/").status_code == 403
    revoked = admin_client.post(
        "/admin/knox/authtoken/",
        {"action": "revoke_tokens", "_selected_action": [stored.pk]},
        follow=True,
    )
    assert "1 token API dicabut" in revoked.content.decode()
    assert not works(token)


# Fault 7: Idempotency-Key replays


def test_a_deactivated_users_token_replaying_a_key_gets_401_and_no_stored_answer(
    demo_accounts,
):
    token = login()
    first = client_with(token).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    number = first.json()["number"]
    User.objects.filter(username="petugas").update(is_active=False)  # a bulk deactivation
    replay = client_with(token).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert replay.status_code == 401
    assert "Idempotent-Replayed" not in replay
    body = replay.content.decode()
    assert number not in body and APPLICANT["full_name"] not in body


def test_a_deactivated_user_through_the_admin_gets_401_and_no_stored_answer(demo_accounts):
    token = login()
    first = client_with(token).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    user = User.objects.get(username="petugas")
    user.is_active = False
    user.save()
    replay = client_with(token).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert replay.status_code == 401
    assert APPLICANT["full_name"] not in replay.content.decode()


def test_another_user_replaying_the_same_key_does_not_get_the_first_answer(demo_accounts):
    first = client_with(login()).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    # A colleague in the same office sends the same key (and body, but for the answer to
    # the open-case question): their own request runs.
    other = client_with(login("backoffice")).post(
        "/api/v1/cases/",
        {**CASE, "confirm_open_case": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert other.json()["number"] != first.json()["number"]
    assert Case.objects.count() == 2


def test_the_same_user_after_a_new_login_gets_the_replay(demo_accounts):
    first = client_with(login()).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client_with(login()).post(
        "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_a_25_hour_old_answer_is_not_replayed(demo_accounts):
    with time_machine.travel(T0, tick=False):
        first = client_with(login()).post(
            "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        assert first.status_code == 201
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        again = client_with(login()).post(
            "/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
    assert "Idempotent-Replayed" not in again
    record = IdempotencyRecord.objects.get(key="k1")
    assert record.created_at == T0 + dt.timedelta(hours=25)  # the key started afresh


def test_the_periodic_job_purges_answers_older_than_24_hours(demo_accounts):
    with time_machine.travel(T0, tick=False):
        client_with(login()).post("/api/v1/cases/", CASE, format="json", HTTP_IDEMPOTENCY_KEY="old")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        client_with(login()).post(
            "/api/v1/cases/",
            {**CASE, "description": "Rumah rusak."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="recent",
        )
    result = run_periodic_jobs(now=T0 + dt.timedelta(hours=25))
    assert result["idempotency_records_purged"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]
    # Both logins' tokens had expired by then (10 hours): purged too.
    assert result["expired_tokens_purged"] == 2
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/auth/logout/", "/api/v1/auth/logout-all/"])
def test_logout_without_a_token_is_refused(demo_accounts, path):
    assert APIClient().post(path).status_code == 401


def test_a_signed_in_browser_posting_with_a_key_is_served_and_replayed(staff):
    """The review's exact case: session + CSRF token + Idempotency-Key answered 401."""
    from django.test import Client

    from tests.conftest import KOTA_BENGKALIS, NIK_MALE, intake

    intake(staff["petugas"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff["petugas_bks"])
    browser.get("/pindah/baru/")
    token = browser.cookies["csrftoken"].value
    body = {"nik": NIK_MALE, "region_code": KOTA_BENGKALIS, "reason": "Pindah kerja."}

    def post(**headers):
        return browser.post("/api/v1/moves/", body, content_type="application/json", **headers)

    forged = post(HTTP_IDEMPOTENCY_KEY="k1")  # no CSRF token: refused, and not kept
    assert forged.status_code == 403
    first = post(HTTP_X_CSRFTOKEN=token, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201, first.content
    again = post(HTTP_X_CSRFTOKEN=token, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
