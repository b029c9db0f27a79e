"""The Content-Security-Policy breaks nothing: sign-in, the NIK lookup (htmx), the language
switch, the dashboard's chart, the API docs (Swagger UI) and the admin run in Chromium with
no violation reported on the console."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import NIK_MALE, intake


def _watch_policy(page: Page) -> list[str]:
    """Chromium reports each refused script, style or connection on the console."""
    violations: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def test_pages_work_under_the_content_security_policy(browse, staff):
    intake(staff["petugas"])
    page = browse()
    violations = _watch_policy(page)

    login(page, "petugas")
    page.goto("/kasus/baru/")
    page.locator("#id_applicant-nik").fill(NIK_MALE)  # htmx looks the NIK up as it is typed
    expect(page.get_by_test_id("applicant-found")).to_contain_text("Budi Santoso")
    page.get_by_label("Bahasa").select_option("en")  # sends its form by itself
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("button", name="Keluar", exact=True).click()

    login(page, "manajer")
    page.goto("/dasbor/")
    # Chart.js (vendored) drew both charts from the page's JSON, eight weekly bars' worth.
    page.wait_for_function("Object.keys(window.Chart ? Chart.instances : {}).length === 2")
    assert page.evaluate("Object.values(Chart.instances)[0].data.labels.length") == 8

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Simpul API")
    expect(page.locator(".opblock").first).to_be_visible()

    page.context.clear_cookies()
    get_user_model().objects.create_superuser("root", password="x-root")
    page.goto("/admin/login/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill("x-root")
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()

    assert violations == []
