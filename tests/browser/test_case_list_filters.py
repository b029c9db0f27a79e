"""The case list's filters in the browser (issue 15, "Find"): on a 360 px phone the filters
fold away under one line, open, apply into the address (never a NIK or KK number), and a
reset clears them."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, scroll_width
from tests.web.case_world import KK_BUDI, build_world


def test_filter_the_case_list_on_a_phone_then_reset(browse, staff):
    world = build_world(staff)
    page = browse("manajer", width=PHONE)
    page.goto("/")
    panel = page.locator("details#saringan")
    expect(panel.get_by_label("Jenis")).to_be_hidden()  # folded until asked for
    assert scroll_width(page) <= PHONE
    panel.locator("summary").click()
    panel.get_by_label("Jenis").select_option("complaint")
    panel.get_by_label("Dibuka sejak").fill("2026-05-01")
    panel.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url("/?kind=complaint&opened_from=2026-05-01", ignore_case=False)
    rows = page.locator("table.table-cards tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.siti.number)
    expect(page.locator("details#saringan")).to_have_attribute("open", "")
    assert scroll_width(page) <= PHONE
    screenshot(page, "case-list-filters-phone")

    page.get_by_role("link", name="Hapus saringan").first.click()
    expect(page.locator("table.table-cards tbody tr")).to_have_count(3)

    page.get_by_label("Cari", exact=True).fill(KK_BUDI)
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator("table.table-cards tbody tr")).to_have_count(1)
    assert KK_BUDI not in page.url
