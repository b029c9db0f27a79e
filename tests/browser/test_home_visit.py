"""A social worker records a home visit on a 360 px phone, with a photo, on a bad line."""

from playwright.sync_api import expect

from cases.models import HomeVisit
from tests.browser.conftest import PHONE, screenshot, scroll_width
from tests.conftest import intake

# A one-pixel PNG: uploads are decoded (cases.attachments), so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)


def test_home_visit_on_a_phone_survives_a_dropped_connection(browse, staff, tmp_path):
    photo = tmp_path / "rumah-depan.png"
    photo.write_bytes(PNG)
    case = intake(staff["petugas"]).case
    page = browse("peksos", width=PHONE)

    # The inbox lists the visit with the village, nearest due first.
    page.goto("/tugas/")
    entry = page.get_by_role("link").filter(has_text=case.number)
    expect(entry).to_contain_text("Verifikasi (kunjungan rumah)")
    expect(entry).to_contain_text("Nibung")
    assert scroll_width(page) <= PHONE
    screenshot(page, "inbox-social-worker-phone")
    entry.click()
    page.get_by_role("button", name="Ambil tugas").click()
    expect(page.locator(".alert-success")).to_have_text("Tugas diambil.")

    form = page.locator("form.task-form")
    form.get_by_label("Hasil kunjungan").fill("Rumah papan, atap bocor; anak demam.")
    form.get_by_label("Layak", exact=True).check()
    assert scroll_width(page) <= PHONE

    # The GPS button fills the visit's point from the phone's position (mocked here).
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": -2.3504, "longitude": 106.2421})
    form.get_by_role("button", name="Ambil lokasi GPS").click()
    expect(form.locator("[data-gps-status]")).to_have_text("Lokasi terisi.")
    expect(form.locator("input[name$='-latitude']")).to_have_value("-2.350400")
    expect(form.locator("input[name$='-longitude']")).to_have_value("106.242100")

    # The page is reloaded (tab closed, battery died...): what was typed is still there.
    page.reload()
    form = page.locator("form.task-form")
    expect(form.get_by_label("Hasil kunjungan")).to_have_value(
        "Rumah papan, atap bocor; anak demam."
    )
    expect(form.get_by_label("Layak", exact=True)).to_be_checked()
    expect(form.locator("[data-draft-status]")).to_contain_text("dipulihkan")

    # No signal: sending is held back and the officer is told, right under the button they
    # pressed (the top of the form is off-screen on a phone); nothing is lost.
    form.get_by_label("Foto rumah").set_input_files(str(photo))
    page.context.set_offline(True)
    form.get_by_role("button", name="Simpan dan selesaikan").click()
    offline = form.locator("[data-offline-status]")
    expect(offline).to_contain_text("Tidak ada koneksi")
    expect(offline).to_be_in_viewport()
    pressed = form.get_by_role("button", name="Simpan dan selesaikan")
    assert offline.evaluate("el => el.previousElementSibling.textContent.trim()") == (
        "Simpan dan selesaikan"
    )
    expect(pressed).to_be_in_viewport()
    expect(form.locator("[data-draft-status]")).not_to_be_in_viewport()  # where it was said
    assert not HomeVisit.objects.exists()
    screenshot(page, "home-visit-offline-phone")

    page.context.set_offline(False)
    form.get_by_role("button", name="Simpan dan selesaikan").click()
    expect(page.locator(".alert-success")).to_have_text("Verifikasi (kunjungan rumah) selesai.")
    visit = HomeVisit.objects.get(case=case)
    assert visit.findings == "Rumah papan, atap bocor; anak demam."
    assert (str(visit.latitude), str(visit.longitude)) == ("-2.350400", "106.242100")
    assert visit.photos.count() == 1
    # Saved for good: the draft is gone from the phone.
    drafts = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('simpul-draft:task-'))"
    )
    assert drafts == []
    screenshot(page, "case-after-visit-phone")
