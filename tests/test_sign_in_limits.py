"""Fault 13: sign-in limits that are not per account, and the end of idle sessions.

django-axes locks an account after five failures per username and address; one address
trying many usernames is stopped by the address-wide limit (20 sign-in POSTs a minute over
the login page, the admin's login page and the API token endpoint). A browser session ends
after 30 minutes without a request and 12 hours after sign-in.
"""

from __future__ import annotations

import datetime as dt
import zlib

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

ATTACKER = "10.20.30.40"
NEIGHBOUR = "10.20.30.41"
# django-ratelimit's minute windows start at an offset derived from the address: start the
# tests one second into the attacker's window, so its requests share one window.
T0 = dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC) + dt.timedelta(
    seconds=zlib.crc32(ATTACKER.encode()) % 60
)


@pytest.fixture
def frozen():
    """Time stands still until moved."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _login(client: Client, username: str, password: str, address: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_usernames_from_one_address_in_fifteen_seconds_are_stopped(db, staff, frozen):
    client = Client()
    answers = []
    for n in range(30):  # the attack: 30 usernames, one address, 15 seconds
        answers.append(_login(client, f"pengguna{n}", "tebakan-salah", ATTACKER))
        frozen.shift(0.5)
    assert [a.status_code for a in answers] == [200] * 20 + [429] * 10
    refused = answers[-1]
    assert "Terlalu banyak percobaan masuk dari alamat ini" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    # A right password from that address waits too ...
    assert _login(client, "petugas", "x-petugas", ATTACKER).status_code == 429
    # ... while another address signs in as usual.
    assert _login(Client(), "petugas", "x-petugas", NEIGHBOUR).status_code == 302
    # A minute later the address may try again.
    frozen.shift(61)
    assert _login(client, "petugas", "x-petugas", ATTACKER).status_code == 302


def test_the_limit_counts_the_login_page_and_the_api_token_endpoint_together(db, staff, frozen):
    client = Client()
    for n in range(20):
        assert _login(client, f"pengguna{n}", "tebakan-salah", ATTACKER).status_code == 200
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "petugas", "password": "x-petugas"},
        content_type="application/json",
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429
    assert "Tunggu 1 menit" in response.json()["detail"]
    assert response["Retry-After"]
    admin_login = client.post(
        "/admin/login/", {"username": "admin", "password": "x"}, REMOTE_ADDR=ATTACKER
    )
    assert admin_login.status_code == 429


def test_opening_the_login_page_is_not_counted(db, frozen):
    client = Client()
    for _ in range(25):
        assert client.get("/login/", REMOTE_ADDR=ATTACKER).status_code == 200
    assert _login(client, "pengguna", "tebakan-salah", ATTACKER).status_code == 200


def _signed_in(client: Client) -> bool:
    response = client.get("/tugas/")
    return response.status_code == 200


def test_session_ends_after_thirty_minutes_without_a_request(db, staff, frozen):
    client = Client()
    assert _login(client, "peksos", "x-peksos", NEIGHBOUR).status_code == 302
    frozen.shift(dt.timedelta(minutes=29))
    assert _signed_in(client)  # a request within 30 minutes keeps the session
    frozen.shift(dt.timedelta(minutes=29))
    assert _signed_in(client)
    frozen.shift(dt.timedelta(minutes=31))
    response = client.get("/tugas/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "tidak ada aktivitas selama 30 menit" in response.content.decode()
    assert not _signed_in(client)


def test_session_ends_twelve_hours_after_sign_in_however_active(db, staff, frozen):
    client = Client()
    assert _login(client, "peksos", "x-peksos", NEIGHBOUR).status_code == 302
    signed_in_at = timezone.now()
    step = dt.timedelta(minutes=25)
    while timezone.now() + step - signed_in_at < dt.timedelta(hours=12):
        frozen.shift(step)
        assert _signed_in(client)
    frozen.shift(dt.timedelta(minutes=25))  # past 12 hours
    response = client.get("/tugas/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "Sesi Anda berakhir setelah 12 jam" in response.content.decode()


def test_behind_a_proxy_each_client_address_is_counted_and_a_forged_one_does_not_help(
    db, settings, frozen
):
    settings.TRUSTED_PROXY_COUNT = 1  # nginx in front: it appends the address it saw
    client = Client()

    def through_proxy(forwarded_for: str, username: str = "pengguna"):
        return client.post(
            "/login/",
            {"username": username, "password": "tebakan-salah"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    # The attacker writes a different address of its own in front each time: not trusted.
    answers = [
        through_proxy(f"192.0.2.{n}, {ATTACKER}", username=f"pengguna{n}").status_code
        for n in range(21)
    ]
    assert answers == [200] * 20 + [429]
    # Another office behind the same proxy still signs in.
    assert through_proxy(NEIGHBOUR).status_code == 200
