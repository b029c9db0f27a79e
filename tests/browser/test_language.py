"""The language select in the navbar switches the whole interface, and the choice sticks."""

from playwright.sync_api import expect

from tests.conftest import intake


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
