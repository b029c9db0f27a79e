"""Rough edges of daily use (issue 13), in the browser: the "restored from this device" banner
only when something was restored, no form page whose reload posts again, the case list on a
360 px phone, and the intake's NIK helpers (a wrong length said while typing, "reason
without NIK" only while the NIK is empty). The offline message under the pressed button is
in test_home_visit.py."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot, scroll_width
from tests.cases.test_views import _open_many
from tests.conftest import NIK_MALE, intake, open_task
from workflows import services as wf


def posts_of(page: Page) -> list[str]:
    """The POST requests ``page`` sends from now on."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else 0)
    return sent


def test_the_restored_banner_shows_only_when_something_was_restored(browse, staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    page = browse("peksos")
    page.goto(f"/kasus/{case.number}/")
    form = page.locator("form.task-form")
    banner = form.locator("[data-draft-status]")
    findings = form.get_by_label("Hasil kunjungan")

    # Typed and taken back: the draft holds what the page shows anyway.
    findings.fill("Rumah papan")
    findings.fill("")
    page.reload()
    expect(form.get_by_label("Waktu kunjungan")).not_to_have_value("")  # its default stays
    expect(banner).to_be_hidden()

    # An empty draft.
    page.evaluate(
        f"localStorage.setItem('simpul-draft:task-{task.pk}', "
        "JSON.stringify({saved: Date.now(), data: {}}))"
    )
    page.reload()
    expect(banner).to_be_hidden()

    # The form comes back with an error: the draft kept on sending is what the page shows.
    form.get_by_label("Layak", exact=True).check()
    form.get_by_role("button", name="Simpan dan selesaikan").click()
    expect(form).to_contain_text("Hasil kunjungan wajib diisi.")
    expect(form.get_by_label("Layak", exact=True)).to_be_checked()
    expect(banner).to_be_hidden()

    # A fresh page: the draft puts back what was picked, and says so.
    page.goto(f"/kasus/{case.number}/")
    expect(form.get_by_label("Layak", exact=True)).to_be_checked()
    expect(banner).to_contain_text("dipulihkan dari perangkat ini")


def test_a_task_form_error_page_reloads_without_posting_again(browse, staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    page = browse("peksos")
    page.goto(f"/kasus/{case.number}/")
    form = page.locator("form.task-form")
    form.get_by_label("Layak", exact=True).check()
    with page.expect_response(re.compile(r"/tugas/\d+/selesai/$")) as answer:
        form.get_by_role("button", name="Simpan dan selesaikan").click()
    assert answer.value.status == 400
    expect(form).to_contain_text("Hasil kunjungan wajib diisi.")  # the errors stay shown
    expect(page).to_have_url(re.compile(rf"/kasus/{case.number}/$"))
    sent = posts_of(page)
    page.reload()
    expect(page.get_by_role("heading", name=f"Kasus {case.number}")).to_be_visible()
    assert sent == []
    expect(page.get_by_text("Hasil kunjungan wajib diisi.")).to_have_count(0)


def test_revealing_a_nik_leaves_the_case_page_in_the_address_bar(browse, staff):
    case = intake(staff["petugas"]).case
    page = browse("backoffice")
    page.goto(f"/kasus/{case.number}/")
    page.get_by_role("button", name="Tampilkan NIK lengkap (tercatat)").click()
    expect(page.locator("main")).to_contain_text(NIK_MALE)
    expect(page).to_have_url(re.compile(rf"/kasus/{case.number}/$"))
    assert NIK_MALE not in page.url
    sent = posts_of(page)
    page.reload()
    expect(page.get_by_role("button", name="Tampilkan NIK lengkap (tercatat)")).to_be_visible()
    assert sent == []
    expect(page.locator("main")).not_to_contain_text(NIK_MALE)


def test_an_intake_error_page_reloads_without_posting_again(browse, staff):
    page = browse("petugas")
    page.goto("/kasus/baru/")
    page.get_by_role("button", name="Simpan kasus").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/kasus/baru/$"))
    sent = posts_of(page)
    page.reload()
    expect(page.get_by_role("heading", name="Buka kasus")).to_be_visible()
    assert sent == []


def test_the_case_list_fits_a_360_px_phone_as_cards(browse, staff):
    _open_many(staff["petugas"], 3)
    page = browse("petugas", width=PHONE)
    page.goto("/")
    rows = page.locator("table.table-cards tbody tr")
    expect(rows).to_have_count(3)
    assert scroll_width(page) <= PHONE
    for box in (rows.nth(n).bounding_box() for n in range(3)):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    # Each value under its column's name (CSS content, read out as the cell's name).
    expect(rows.first.get_by_role("cell", name=re.compile(r"^Tenggat berikutnya "))).to_be_visible()
    expect(page.locator("table.table-cards thead")).not_to_be_in_viewport()
    screenshot(page, "case-list-phone")

    desk = browse("petugas")
    desk.goto("/")
    expect(desk.get_by_role("columnheader", name="Tenggat berikutnya")).to_be_visible()


def test_intake_nik_says_a_wrong_length_while_typing_and_hides_the_reason(browse, staff):
    page = browse("petugas", width=PHONE)
    page.goto("/kasus/baru/")
    nik = page.locator("#id_applicant-nik")
    reason = page.get_by_label("Alasan tanpa NIK").first
    hint = page.locator("#applicant-person [data-digits-hint]")
    expect(reason).to_be_visible()

    nik.press_sequentially(NIK_MALE[:15])
    expect(hint).to_have_text("NIK harus 16 digit (yang diisi 15 digit).")
    gap = hint.evaluate(  # right under the field (measured at once: the page may scroll)
        "el => el.getBoundingClientRect().top"
        " - document.getElementById('id_applicant-nik').getBoundingClientRect().bottom"
    )
    assert 0 <= gap < 10
    expect(reason).to_be_hidden()
    assert scroll_width(page) <= PHONE
    screenshot(page, "intake-nik-15-digits-phone")

    nik.fill("")
    expect(reason).to_be_visible()
    expect(hint).to_be_hidden()

    nik.fill(NIK_MALE)
    expect(page.get_by_text("NIK belum terdaftar")).to_be_visible()
    expect(hint).to_be_hidden()
    expect(reason).to_be_hidden()

    kk = page.get_by_label("Nomor KK penerima manfaat")
    kk.press_sequentially("190401010120000")
    expect(page.locator("#id_kk_number ~ [data-digits-hint]")).to_have_text(
        "Nomor KK harus 16 digit (yang diisi 15 digit)."
    )
