"""The language select in the navbar switches the whole interface, and the choice sticks."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import intake
from workflows.escalation import check_deadlines
from workflows.models import WorkItem


def test_switching_to_english_in_the_navbar_translates_this_and_the_next_page(browse, staff):
    case = intake(staff["petugas"]).case
    page = browse("peksos")
    page.get_by_role("link", name="Kasus", exact=True).click()
    expect(page.get_by_role("heading", name="Daftar kasus")).to_be_visible()
    expect(page.get_by_role("link", name="Tugas saya")).to_be_visible()

    page.get_by_label("Bahasa").select_option("en")  # submits on change, no button

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Case list")).to_be_visible()
    expect(page.get_by_role("link", name="My tasks")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("en")

    # The next page is in English too, data included.
    page.get_by_role("link", name="My tasks").click()
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    entry = page.get_by_role("link").filter(has_text=case.number)
    expect(entry).to_contain_text("Verification (home visit)")
    expect(entry).to_contain_text("not yet claimed")
    expect(page.locator("main")).not_to_contain_text("Tenggat")

    # And back to Indonesian, staying on the inbox.
    page.get_by_label("Language").select_option("id")
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")


def test_an_english_reader_signs_in_in_english_and_reads_notices_in_english(browse, staff):
    """The switch is on the sign-in page, each language named in itself; the escalation
    job's notice, written once, reads in English for this reader (issue 13)."""
    case = intake(staff["petugas"]).case
    WorkItem.objects.filter(case=case).update(
        created_at=timezone.now() - dt.timedelta(days=20),
        due_at=timezone.now() - dt.timedelta(days=2),
        at_risk_at=timezone.now() - dt.timedelta(days=5),
    )
    assert check_deadlines().overdue_notices == 1

    page = browse()
    page.goto("/login/")
    expect(page.get_by_label("Bahasa")).to_contain_text("English")
    page.get_by_label("Bahasa").select_option("en")
    expect(page.get_by_role("heading", name="Log in to Simpul")).to_be_visible()
    page.get_by_label("Username").fill("peksos")
    page.get_by_label("Password").fill("x-peksos")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("link", name="Notifications").click()
    notice = page.locator("main").get_by_text(f"task for case {case.number} is overdue")
    expect(notice).to_contain_text("Verification (home visit) task")
    screenshot(page, "notifications-english")

    page.get_by_label("Language").select_option("id")
    expect(page.locator("main")).to_contain_text(
        f"Tugas Verifikasi (kunjungan rumah) kasus {case.number} terlambat"
    )
