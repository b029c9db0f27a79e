"""An intake officer opens cases in the browser: NIK-first, with pre-fill and documents."""

import re

from playwright.sync_api import Page, expect

from cases.models import Attachment, Case, Person
from tests.browser.conftest import screenshot
from tests.conftest import NIBUNG, NIK_FEMALE, NIK_MALE, intake

# A one-pixel PNG: uploads are decoded (cases.attachments), so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)


UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
    .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
    .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map(el => el.name || el.id)"""


def fill_request(page: Page, description: str) -> None:
    page.get_by_label("Kategori PPKS").select_option("fakir-miskin")
    page.get_by_label("Uraian kebutuhan").fill(description)
    page.get_by_label("PBI-JK / KIS (jaminan kesehatan bersubsidi)").check()


def test_registered_nik_fills_in_the_person_and_the_case_links_to_them(browse, staff):
    first = intake(staff["petugas"], kk_number="1904010101200001").case
    page = browse("petugas")
    page.get_by_role("link", name="Buka kasus").click()
    assert page.evaluate(UNLABELLED) == []  # every input has a label (screen readers)
    fill_request(page, "Anak demam tinggi, KIS tidak aktif.")
    page.locator("#id_applicant-nik").fill(NIK_MALE)

    found = page.get_by_test_id("applicant-found")
    expect(found).to_contain_text("Sudah terdaftar")
    expect(found).to_contain_text("Budi Santoso")
    expect(found).to_contain_text(first.number)  # the open case is pointed out
    # The identity fields are replaced by the registered record: nothing to retype.
    expect(page.locator("#id_applicant-full_name")).to_have_count(0)
    # The checklist counts the papers PBI-JK needs.
    expect(page.locator("#documents-summary")).to_have_text("0 dari 6 berkas wajib sudah dipilih.")
    screenshot(page, "intake-existing-nik-desktop")

    # The registry's family card is offered in the KK block (masked), nothing to retype.
    expect(page.locator("[data-registry-family]")).to_contain_text("KK terdaftar di registri")

    page.get_by_role("button", name="Simpan kasus").click()
    # The same person and service are still open in the first case: asked before saving.
    open_cases = page.locator("#open-cases")
    expect(open_cases).to_contain_text(first.number)
    assert Case.objects.count() == 1
    screenshot(page, "intake-open-case-for-the-same-service")
    open_cases.get_by_role("button", name="Tetap buka kasus baru").click()
    expect(page.locator(".alert-success")).to_contain_text("berhasil dibuka")
    assert Person.objects.count() == 1
    assert Case.objects.latest("pk").beneficiary == first.beneficiary


def test_new_nik_prefills_birth_date_and_sex_and_uploads_the_ktp(browse, staff, tmp_path):
    ktp = tmp_path / "ktp-siti.png"
    ktp.write_bytes(PNG)
    page = browse("petugas")
    page.goto("/kasus/baru/")
    fill_request(page, "KIS PBI dinonaktifkan.")
    page.locator("#id_applicant-nik").fill(NIK_FEMALE)

    expect(page.get_by_text("NIK belum terdaftar")).to_be_visible()
    expect(page.locator("#id_applicant-birth_date")).to_have_value("1985-08-12")
    expect(page.locator("#id_applicant-sex")).to_have_value("F")
    # A village officer's own village is chosen in the region picker already.
    expect(page.locator("#id_applicant-region")).to_have_value(NIBUNG)
    page.locator("#id_applicant-full_name").fill("Siti Aminah")
    page.locator("#id_applicant-birth_place").fill("Koba")
    page.get_by_label("KTP", exact=True).set_input_files(str(ktp))
    expect(page.locator("#documents-summary")).to_have_text("1 dari 6 berkas wajib sudah dipilih.")
    screenshot(page, "intake-new-nik-desktop")

    page.get_by_role("button", name="Simpan kasus").click()
    expect(page.locator(".alert-success")).to_contain_text("berhasil dibuka")
    case = Case.objects.get()
    assert case.beneficiary.full_name == "Siti Aminah" and case.beneficiary.sex == "F"
    assert case.beneficiary.nik == NIK_FEMALE
    assert Attachment.objects.get(case=case).document_type.code == "ktp"
    expect(page.locator("#berkas")).to_contain_text("KTP")


def test_region_picker_cascades_for_a_regency_officer(browse, staff):
    page = browse("backoffice")
    page.goto("/kasus/baru/")
    region = page.locator("#id_applicant-region")
    expect(region).to_have_value("")
    page.locator("#applicant-region-district").select_option("19.04.01")
    expect(region.locator("option", has_text="Nibung")).to_have_count(1)
    region.select_option(NIBUNG)
    # Or search by name: only villages in the officer's regency are offered.
    page.locator("#applicant-region-q").fill("mesu")
    page.get_by_role("button", name="Air Mesu").click()
    expect(page.locator("#id_applicant-region")).to_have_value("19.04.02.2004")


def test_submit_button_is_disabled_while_saving_and_a_chosen_ktp_survives_an_error(
    browse, staff, tmp_path
):
    """Issue 11, faults 5 and 6: a double tap sends the form once, and a validation error
    (here an empty description) keeps the KTP chosen, shown as attached."""
    ktp = tmp_path / "KTP_3201234567890001.png"
    ktp.write_bytes(PNG)
    page = browse("petugas")
    page.goto("/kasus/baru/")
    fill_request(page, "")
    page.locator("#id_applicant-nik").fill(NIK_FEMALE)
    expect(page.get_by_text("NIK belum terdaftar")).to_be_visible()
    page.locator("#id_applicant-full_name").fill("Siti Aminah")
    page.locator("#id_applicant-birth_place").fill("Koba")
    page.get_by_label("KTP", exact=True).set_input_files(str(ktp))

    # What the officer sees once the form is on its way: recorded in this tab's session
    # storage just after the submit, since the page is replaced when the answer arrives.
    page.evaluate(
        """() => document.addEventListener("submit", () => setTimeout(() => {
            const button = document.querySelector("#case-open-form button.btn-lg");
            sessionStorage.setItem("saveDisabled", String(button.disabled));
        }, 0))"""
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan kasus").click()
    assert page.evaluate("() => sessionStorage.getItem('saveDisabled')") == "true"
    expect(page.get_by_role("button", name="Simpan kasus")).to_be_enabled()  # a new page

    kept = page.locator("[data-pending-upload]")
    expect(kept).to_have_text(re.compile(r"^Terlampir: KTP 1 \(\d+\s+bita\)$"))
    assert "3201234567890001" not in page.content()
    page.get_by_label("Uraian kebutuhan").fill("KIS PBI dinonaktifkan.")
    page.get_by_role("button", name="Simpan kasus").click()  # the file is not chosen again
    expect(page.locator(".alert-success")).to_contain_text("berhasil dibuka")
    case = Case.objects.get()
    assert Attachment.objects.get(case=case).document_type.code == "ktp"
