"""Open the monthly recap: a supervisor chooses a month and a region, reads the tables and
downloads the PDF and the XLSX; and the dashboard draws its charts under the CSP."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import AccessLog
from tests.browser.conftest import SCREENSHOT_DIR, screenshot
from tests.workflows.recap_month import build_month

FILES = SCREENSHOT_DIR.parent / "files"


def test_supervisor_opens_the_monthly_recap_and_downloads_pdf_and_xlsx(browse, staff):
    build_month(staff)
    page = browse("manajer")
    page.get_by_role("button", name="Laporan").click()
    page.get_by_role("link", name="Rekap bulanan").click()
    expect(page.get_by_role("heading", name="Rekap bulanan", exact=True)).to_be_visible()
    page.get_by_label("Bulan").fill("2026-10")
    page.get_by_label("Wilayah").select_option("19.04")
    page.get_by_role("button", name="Tampilkan").click()

    expect(page.locator("[data-recap-title]")).to_have_text(
        "Rekap bulanan Kab. Bangka Tengah, Oktober 2026"
    )
    kinds = page.locator('[data-recap-table="kind"]')
    expect(kinds.get_by_role("row").filter(has_text="Pengaduan")).to_contain_text("3")
    referrals = page.locator('[data-recap-table="referrals"]')
    expect(referrals).to_contain_text("Dinas Kesehatan Bangka Tengah")
    expect(referrals).to_contain_text("50,0")
    expect(page.locator('[data-recap-table="complaints"]')).to_contain_text("Ringan (2 hari kerja)")
    screenshot(page, "recap-manajer-1280")

    FILES.mkdir(parents=True, exist_ok=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel (XLSX)").click()
    assert download.value.suggested_filename == "rekap-19.04-2026-10.xlsx"
    xlsx = FILES / download.value.suggested_filename
    download.value.save_as(xlsx)
    book = load_workbook(xlsx)
    assert "Rujukan per instansi" in book.sheetnames

    # The PDF opens inline (the browser's viewer): fetched with the page's own session.
    href = page.get_by_role("link", name="Cetak PDF").get_attribute("href")
    response = page.context.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    (FILES / "rekap-19.04-2026-10.pdf").write_bytes(response.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "REKAP BULANAN KAB. BANGKA TENGAH, OKTOBER 2026" in text
    assert set(AccessLog.objects.values_list("action", flat=True)) == {"print", "export"}


def test_dashboard_draws_its_charts_without_a_csp_violation(browse, staff):
    build_month(staff)
    page = browse("manajer")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto("/dasbor/?from=2026-10-01&to=2026-10-31&region=19.04")
    expect(page.get_by_role("heading", name="Dasbor wilayah")).to_be_visible()
    expect(page.locator("#weeks-chart")).to_be_visible()
    # Chart.js drew: the canvas got its pixel size from the chart box.
    page.wait_for_function("document.getElementById('weeks-chart').width > 0")
    assert page.evaluate("Object.keys(Chart.instances).length") == 2
    assert not [line for line in console if "Content Security Policy" in line]
    expect(page.locator("[data-figure=opened]")).to_have_text("5")
    screenshot(page, "dashboard-charts-manajer-1280")
    page.locator("[data-figure=opened]").click()
    expect(page).to_have_url(
        "/?region=19.04&opened_from=2026-10-01&opened_to=2026-10-31", ignore_case=True
    )
    screenshot(page, "dashboard-linked-list-manajer-1280")
