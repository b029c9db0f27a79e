"""An agency takes a referral from its inbox to the recorded delivery, all in the browser."""

from django.template.defaultfilters import date as date_format
from django.utils import timezone
from playwright.sync_api import Page, expect

from referrals.models import Delivery, ReferralStatus
from tests.browser.conftest import screenshot
from tests.conftest import NIK_MALE, referred_case


def expect_message(page: Page, text: str) -> None:
    """The green confirmation at the top of the page after an action."""
    expect(page.locator(".alert-success")).to_have_text(text)


def task_card(page: Page, kind: str):
    """The case page's card of the open task ``kind`` (its heading starts with the kind)."""
    heading = page.get_by_role("heading", level=3, name=kind)
    return page.locator(".card").filter(has=heading)


def open_from_inbox(page: Page, kind: str, case_number: str) -> None:
    page.get_by_role("link", name="Tugas saya").click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    entry = page.get_by_role("link").filter(has_text=case_number).filter(has_text=kind)
    expect(entry).to_contain_text("PBI-JK / KIS")
    entry.click()
    expect(page.get_by_role("heading", name=f"Kasus {case_number}")).to_be_visible()


def test_agency_accepts_a_referral_gets_it_approved_and_records_the_delivery(browse, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])

    # Dinas Kesehatan staff: the referral waits in their inbox; they take it and accept it.
    dinkes = browse("dinkes")
    open_from_inbox(dinkes, "Tanggapan rujukan", case.number)
    review = task_card(dinkes, "Tanggapan rujukan")
    expect(review).to_contain_text("Belum diambil (antrean)")
    review.get_by_role("button", name="Ambil tugas").click()
    expect_message(dinkes, "Tugas diambil.")
    review = task_card(dinkes, "Tanggapan rujukan")
    expect(review).to_contain_text("Dipegang oleh dinkes")
    review.get_by_label("Terima").check()
    review.get_by_label("Alasan (wajib bila ditolak)").fill("Berkas lengkap, memenuhi syarat.")
    review.get_by_role("button", name="Simpan dan selesaikan").click()
    expect_message(dinkes, "Tanggapan rujukan selesai.")
    # Next the head of agency approves: staff see the task but have no form for it.
    approval = task_card(dinkes, "Persetujuan")
    expect(approval).to_be_visible()
    expect(approval.get_by_role("button", name="Simpan dan selesaikan")).to_have_count(0)
    referrals = dinkes.get_by_role("table")
    expect(referrals).to_contain_text("Diterima, menunggu persetujuan")

    # Head of Dinas Kesehatan approves from their own inbox.
    kadinkes = browse("kadinkes")
    open_from_inbox(kadinkes, "Persetujuan", case.number)
    approval = task_card(kadinkes, "Persetujuan")
    approval.get_by_label("Setujui").check()
    approval.get_by_role("button", name="Simpan dan selesaikan").click()
    expect_message(kadinkes, "Persetujuan selesai.")

    # Back to the staff member: record the delivery.
    open_from_inbox(dinkes, "Penyaluran", case.number)
    delivery = task_card(dinkes, "Penyaluran")
    delivered_at = timezone.localtime()
    delivery.get_by_label("Waktu penyaluran").fill(delivered_at.strftime("%Y-%m-%dT%H:%M"))
    delivery.get_by_label("Cara penyaluran").select_option(label="Layanan")
    delivery.get_by_label("Barang / layanan").fill("KIS PBI aktif kembali")
    delivery.get_by_role("button", name="Simpan dan selesaikan").click()

    expect_message(dinkes, "Penyaluran selesai.")
    row = dinkes.get_by_role("row").filter(has_text="PBI-JK / KIS")
    expect(row).to_contain_text("Dinas Kesehatan Bangka Tengah")
    expect(row).to_contain_text("Disalurkan")
    shown = date_format(delivered_at, "j M Y")  # Indonesian month names, as the page has them
    expect(row).to_contain_text(f"{shown} · Layanan · KIS PBI aktif kembali")
    expect(task_card(dinkes, "Penyaluran")).to_have_count(0)
    screenshot(dinkes, "referral-delivered-desktop")

    recorded = Delivery.objects.select_related("referral").get(referral__case=case)
    assert recorded.recorded_by == staff["dinkes"]
    assert recorded.items == "KIS PBI aktif kembali"
    assert recorded.referral.status == ReferralStatus.DELIVERED
