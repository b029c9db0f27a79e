"""Pindah domisili in the browser: Bengkalis types a Bangka Tengah NIK at intake, is told
only "registered elsewhere", files a move request; Bangka Tengah's back office accepts it
from the inbox; the person is then Bengkalis's to serve."""

from playwright.sync_api import expect

from cases.models import Person
from tests.browser.conftest import screenshot
from tests.conftest import KOTA_BENGKALIS, NIK_MALE, intake


def test_move_request_from_intake_lookup_to_acceptance(browse, staff):
    budi = intake(staff["petugas"]).case.beneficiary

    page = browse("petugas.bks")
    page.goto("/kasus/baru/")
    page.locator("#id_applicant-nik").fill(NIK_MALE)
    notice = page.get_by_text("NIK ini sudah terdaftar di luar wilayah kerja Anda")
    expect(notice).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Budi Santoso")
    page.get_by_role("link", name="Ajukan pindah domisili").click()

    expect(page.get_by_role("heading", name="Ajukan pindah domisili")).to_be_visible()
    page.get_by_label("NIK").fill(NIK_MALE)
    page.get_by_label("Desa/kelurahan tujuan").select_option(KOTA_BENGKALIS)
    page.get_by_label("RT").fill("4")
    page.get_by_label("Alasan pindah").fill("Ikut istri pindah ke Bengkalis.")
    page.get_by_test_id("move-submit").click()
    expect(page.get_by_test_id("move-status")).to_contain_text("Menunggu keputusan")
    expect(page.locator("main")).not_to_contain_text("Budi Santoso")
    screenshot(page, "move-request-filed")

    page = browse("backoffice")
    page.goto("/tugas/")
    page.get_by_test_id("moves-to-decide").get_by_role("link", name="Buka").click()
    page.locator("tbody a").first.click()
    expect(page.locator("main")).to_contain_text("Budi Santoso")
    page.get_by_label("Terima: pindahkan data ke wilayah baru").check()
    page.get_by_test_id("move-decide").click()
    expect(page.get_by_test_id("move-status")).to_contain_text("Diterima")
    screenshot(page, "move-request-accepted")

    budi = Person.objects.get(pk=budi.pk)
    assert budi.region_id == KOTA_BENGKALIS
