"""Print a receipt at intake (issue 15): the intake officer opens a case through the form,
then downloads the tanda terima from the case page for the citizen to take home."""

from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import AccessLog, Case
from cases.nik import mask_nik
from core.pdf import latin1
from tests.browser.conftest import SCREENSHOT_DIR, screenshot
from tests.browser.test_intake import fill_request
from tests.conftest import NIK_FEMALE

DOWNLOAD_DIR = SCREENSHOT_DIR.parent / "downloads"


def test_the_intake_officer_prints_a_receipt_after_opening_a_case(browse, staff):
    page = browse("petugas")
    page.goto("/kasus/baru/")
    fill_request(page, "KIS PBI dinonaktifkan, perlu berobat.")
    page.locator("#id_applicant-nik").fill(NIK_FEMALE)
    expect(page.get_by_text("NIK belum terdaftar")).to_be_visible()
    page.locator("#id_applicant-full_name").fill("Siti Aminah")
    page.locator("#id_applicant-birth_place").fill("Koba")
    page.get_by_role("button", name="Simpan kasus").click()
    expect(page.locator(".alert-success")).to_contain_text("berhasil dibuka")
    case = Case.objects.get()

    link = page.get_by_role("link", name="Cetak tanda terima")
    expect(link).to_be_visible()
    screenshot(page, "receipt-case-page-after-intake")
    # The link opens the PDF in a new tab, Chromium's viewer; the officer saves the file
    # from it: the same address fetched in the same signed-in session.
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.endswith(f"/kasus/{case.number}/tanda-terima.pdf")
    response = tab.context.request.get(tab.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    filename = f"tanda-terima-{case.number}.pdf"
    assert response.headers["content-disposition"] == f'inline; filename="{filename}"'
    path = DOWNLOAD_DIR / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(response.body())
    tab.close()

    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "TANDA TERIMA PERMOHONAN" in text and case.number in text
    assert f"Siti Aminah (NIK {latin1(mask_nik(NIK_FEMALE))})" in text
    assert NIK_FEMALE not in text.replace(" ", "")
    assert "PBI-JK / KIS" in text and "Langkah berikutnya" in text
    # Each fetch is one printout in the access log: the tab's and the saved copy.
    assert AccessLog.objects.filter(action="print", route="case_receipt", case=case).count() == 2
