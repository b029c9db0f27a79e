"""Fault 11: error pages show nothing of the site's insides or the request's credentials.

With DEBUG off (production, and ``make demo``) a missing page is the project's own 404 page
(no URL patterns listed) and a crash the project's 500 page (no headers). With DEBUG on
(development) Django's debug page still hides ``Authorization``, cookies and any NIK.
"""

from __future__ import annotations

import pytest
from django.test import Client

# Built at run time so the numbers do not appear whole in this file's source lines.
NIK = "1904" + "011208850001"
TOKEN = "Token 9f8e7d6c5b4a39281706-secret"
COOKIE = {"sessionid": "sess-4c1d2e3f-secret", "csrftoken": "csrf-8a7b6c5d-secret"}
SECRETS = [NIK, "9f8e7d6c5b4a39281706", "sess-4c1d2e3f", "csrf-8a7b6c5d"]

pytestmark = [pytest.mark.urls("tests.error_urls"), pytest.mark.django_db]


def _client() -> Client:
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=TOKEN)
    for name, value in COOKIE.items():
        client.cookies[name] = value
    return client


def test_missing_page_is_the_projects_404_page_without_url_patterns(client, settings):
    settings.DEBUG = False
    response = client.get(f"/halaman/tidak/ada/{NIK}/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Halaman tidak ditemukan" in page
    assert "URLconf" not in page and "admin/" not in page and "api/v1/" not in page
    assert NIK not in page


def test_missing_api_endpoint_answers_json_404(client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan."}


def test_crash_renders_the_projects_500_page_without_headers(settings):
    settings.DEBUG = False
    response = _client().post(f"/rusak/{NIK}/?q={NIK}", {"nik": NIK})
    assert response.status_code == 500
    assert "500.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Terjadi kesalahan" in page
    assert "Authorization" not in page and "HTTP_" not in page and "Traceback" not in page
    assert not [secret for secret in SECRETS if secret in page]


def test_crash_under_the_api_answers_json_500(settings):
    settings.DEBUG = False
    response = _client().get("/api/v1/rusak/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Terjadi kesalahan pada server."}


def test_an_unreachable_database_answers_503_with_retry_after(settings):
    """Issue 11: while PostgreSQL restarts, requests answer 503 and say when to retry."""
    settings.DEBUG = False
    api = _client().get("/api/v1/basis-data-hilang/")
    assert api.status_code == 503
    assert api.json()["code"] == "database_unavailable"
    assert api["Retry-After"] == "5"
    page = _client().get("/basis-data-hilang/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "503.html" in [t.name for t in page.templates]
    assert "tidak ada yang tersimpan" in page.content.decode()


@pytest.mark.parametrize(("path", "json"), [("/terkunci/", False), ("/api/v1/terkunci/", True)])
def test_a_lock_conflict_outside_the_view_answers_409_not_500(settings, path, json):
    """A lock wait that runs out in a middleware (the session save) is a conflict too."""
    settings.DEBUG = False
    settings.MIDDLEWARE = [
        "tests.error_urls.LockedOutsideTheViewMiddleware",
        *settings.MIDDLEWARE,
    ]
    response = _client().get(path)
    assert response.status_code == 409
    if json:
        assert response.json()["code"] == "lock_conflict"


@pytest.mark.parametrize("accept", ["text/html", "text/plain"])
def test_debug_page_hides_authorization_cookies_and_nik(settings, accept):
    """Development: Django's debug page, with the credentials and the NIK hidden in the
    headers, cookies, path, query string, POST data, local variables and the message."""
    settings.DEBUG = True
    response = _client().post(
        f"/rusak/{NIK}/?q=1904-0112-0885-0001&page=2",
        {"nik": "1904 0112 0885 0001", "note": "rumah bocor"},
        HTTP_ACCEPT=accept,
        HTTP_REFERER=f"http://testserver/kasus/{NIK}/",
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "ValueError" in page and "duplicate key" in page  # still a useful debug page
    assert "rumah bocor" in page and "HTTP_AUTHORIZATION" in page
    assert not [secret for secret in SECRETS if secret in page]
    for separated in ("1904-0112-0885-0001", "1904 0112 0885 0001"):
        assert separated not in page
