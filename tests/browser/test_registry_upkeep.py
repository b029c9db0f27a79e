"""Keeping the registry true in the browser (issue 14): correct a person, record a
DTKS/DTSEN check and a death, and see the case follow."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import intake, person


def test_the_back_office_corrects_a_person_and_records_a_registry_check(browse, staff):
    case = intake(staff["petugas"], kk_number="1904010101200001").case
    page = browse("backoffice")
    page.goto(f"/penduduk/{case.beneficiary_id}/")

    page.get_by_text("Perbaiki data penduduk").click()
    # The page holds two person forms (this one and the new family member's).
    page.locator("#perbaiki").get_by_label("Nama lengkap").fill("Budi Santosa")
    page.get_by_label("Alasan perbaikan").fill("Salah ketik saat pendaftaran.")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(page.locator(".alert-success")).to_contain_text("Data penduduk diperbaiki.")
    expect(page.get_by_role("heading", name="Budi Santosa")).to_be_visible()
    # Only the name changed: the birth date the form showed went back as it was.
    expect(page.locator("main")).to_contain_text("12 Agu 1985")

    page.get_by_text("Catat cek DTKS/DTSEN keluarga ini").click()
    page.get_by_label("Terdaftar di DTKS/DTSEN").check()
    page.get_by_label("Desil kesejahteraan").select_option("1")
    page.get_by_role("button", name="Simpan hasil cek").click()
    expect(page.locator(".alert-success")).to_contain_text("Hasil cek DTKS/DTSEN dicatat.")
    screenshot(page, "person-corrected-and-checked")

    page.goto(f"/kasus/{case.number}/")
    findings = page.locator("section", has=page.locator("#registry-heading"))
    expect(findings).to_contain_text("Terdaftar di DTKS/DTSEN · desil 1")
    timeline = page.locator("main")
    expect(timeline).to_contain_text("Salah ketik saat pendaftaran.")


def test_the_back_office_merges_two_records_of_one_person(browse, staff):
    intake(staff["petugas"])
    intake(
        staff["petugas"],
        applicant=person(full_name="Boedi Santoso", nik="", no_nik_reason="KTP hilang."),
        requested_services=["jamkesda"],
    )
    page = browse("backoffice")
    page.goto("/")
    page.get_by_role("button", name="Data penduduk").click()
    page.get_by_role("link", name="Data ganda").click()
    expect(page.locator("main")).to_contain_text("Boedi Santoso")
    page.get_by_role("link", name="Periksa").click()
    expect(page.get_by_role("heading", name="Periksa data ganda")).to_be_visible()

    page.get_by_label("Budi Santoso (data no.").check()
    page.get_by_label("Alasan penggabungan").fill("Orang yang sama, dicek dengan KK.")
    page.get_by_role("button", name="Gabungkan data").click()
    expect(page.locator(".alert-success")).to_contain_text("Data digabung.")
    expect(page.get_by_role("heading", name="Budi Santoso")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Data ganda yang digabung ke sini")
    screenshot(page, "person-merged")

    page.get_by_role("link", name="Boedi Santoso").click()
    expect(page.locator(".alert-info")).to_contain_text("Data ini sudah digabung")


def test_the_back_office_adds_a_newborn_to_the_family_card(browse, staff):
    case = intake(staff["petugas"], kk_number="1904010101200001").case
    page = browse("backoffice")
    page.goto(f"/penduduk/{case.beneficiary_id}/")

    page.get_by_text("Tambah anggota keluarga yang belum terdaftar").click()
    member = page.locator("#anggota-baru")
    member.get_by_label("Nama lengkap").fill("Putri Santoso")
    member.get_by_label("Alasan tanpa NIK").fill("Bayi baru lahir")
    member.get_by_label("Tanggal lahir").fill("2026-09-01")
    member.get_by_label("Jenis kelamin").select_option("F")
    member.get_by_label("Hubungan dalam KK").select_option("child")
    member.get_by_role("button", name="Tambah anggota keluarga").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Putri Santoso ditambahkan ke kartu keluarga."
    )
    expect(page.locator("[data-family-members]")).to_contain_text("Putri Santoso · Anak")
