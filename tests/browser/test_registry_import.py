"""A registry import in the browser (issue 14): the back office uploads a small DTKS/DTSEN
extract, watches the dry run, reads its report, and commits it."""

from playwright.sync_api import expect

from cases.models import Family, Person
from tests.browser.conftest import screenshot
from tests.cases.import_files import csv_file, extract_row
from tests.conftest import NIK_FEMALE

ROWS = [
    extract_row(),
    extract_row(NIK=NIK_FEMALE, NAMA="Siti Aminah", JENIS_KELAMIN="P"),
    extract_row(NIK="1904011208850", NAMA="Salah Ketik"),  # 13 digits: an error
]


def test_the_back_office_imports_an_extract_after_its_dry_run(browse, staff, settings, tmp_path):
    settings.BACKGROUND_ENGINE = "embedded"
    settings.MEDIA_ROOT = tmp_path
    extract = tmp_path / "dtks-januari.csv"
    extract.write_bytes(csv_file(ROWS))
    page = browse("backoffice")
    page.goto("/")
    page.get_by_role("button", name="Data penduduk").click()
    page.get_by_role("link", name="Impor data").click()

    page.get_by_label("Ekstrak DTKS/DTSEN").check()
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(str(extract))
    page.get_by_role("button", name="Periksa berkas").click()

    summary = page.locator("[data-import-summary]")
    expect(summary).to_contain_text("Akan dibuat", timeout=30_000)
    expect(page.get_by_role("heading", name="dtks-januari.csv")).to_be_visible()
    expect(summary).to_contain_text("Galat (tidak diimpor)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh laporan (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "registry-import-checked")
    assert not Person.objects.exists()

    page.get_by_role("button", name="Jalankan impor").click()

    expect(page.get_by_role("heading", name="Hasil impor")).to_be_visible(timeout=30_000)
    expect(summary).to_contain_text("Data baru")
    screenshot(page, "registry-import-done")
    assert Person.objects.count() == 2 and Family.objects.count() == 1
    page.get_by_role("link", name="Semua impor").click()
    expect(page.locator("tbody")).to_contain_text("Selesai diimpor")
