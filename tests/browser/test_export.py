"""Exports in the browser (issue 15): a supervisor filters the case list and downloads it
as CSV and Excel; a longer list goes to the background and is downloaded from its
progress page. The files are saved next to the screenshots for a reviewer."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOT_DIR, screenshot
from tests.conftest import intake, person


def test_a_supervisor_exports_the_filtered_case_list(browse, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKGROUND_ENGINE = "embedded"
    for i, name in enumerate(["Budi Santoso", "Siti Aminah", "Agus Salim"]):
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i + 10:05d}", full_name=name))
    page = browse("manajer")
    page.goto("/")
    page.get_by_role("link", name="Kasus", exact=True).click()
    page.get_by_label("Cari").fill("Siti")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    files = SCREENSHOT_DIR / "exports"
    files.mkdir(parents=True, exist_ok=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV").click()
    saved = files / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert rows[0][0].endswith("filter: Cari: Siti")
    assert [r[4] for r in rows[2:]] == ["Siti Aminah"] and rows[2][5] == "1904••••••••0011"

    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh Excel").click()
    saved = files / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    assert [r[4] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["Siti Aminah"]
    screenshot(page, "export-case-list-filtered")

    # The filter panel: a kind and the oldest first; the file keeps both.
    page.goto("/")
    page.locator("#saringan summary").click()
    page.get_by_label("Jenis").select_option("service_request")
    page.get_by_label("Urutkan").select_option("opened")
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"kind=service_request"))
    expect(page.locator("tbody tr")).to_have_count(3)
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh CSV").click()
    saved = files / ("panel-" + download.value.suggested_filename)
    download.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_bytes().decode("utf-8-sig"))))
    assert "Jenis: Permohonan layanan" in rows[0][0] and "Terlama dibuka" in rows[0][0]
    assert [r[4] for r in rows[2:]] == ["Budi Santoso", "Siti Aminah", "Agus Salim"]
    screenshot(page, "export-case-list-filter-panel")

    settings.EXPORT_STREAM_MAX_ROWS = 1
    page.goto("/")
    page.get_by_role("button", name="Unduh Excel").click()
    expect(page.locator("[data-export-download]")).to_be_visible(timeout=30_000)
    screenshot(page, "export-background-done")
    with page.expect_download() as download:
        page.locator("[data-export-download]").click()
    saved = files / ("background-" + download.value.suggested_filename)
    download.value.save_as(saved)
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(min_row=3))) == 3
    page.get_by_role("button", name="Laporan").click()
    page.get_by_role("link", name="Ekspor saya").first.click()
    expect(page.locator("tbody")).to_contain_text("Siap diunduh")
