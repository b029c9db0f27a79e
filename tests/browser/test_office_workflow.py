"""The workflow as an office lives it (issue 13): a web complaint with its tier and a tier
change, a partial round of referrals sent on to follow-up, a closed case reopened, the
manager's decision on the recommended services."""

from playwright.sync_api import expect

from agencies.models import Office
from cases.models import Case
from referrals.models import Referral
from tests.browser.conftest import PHONE, screenshot, scroll_width
from tests.conftest import NIK_MALE, intake, open_kinds, open_task
from tests.workflows.test_case_flow import verify
from tests.workflows.test_partial_round import partial_round
from tests.workflows.test_reopen import closed_case


def test_a_complaint_is_taken_with_its_tier_and_its_tier_changed(browse, staff):
    page = browse("petugas")
    page.goto("/")
    page.get_by_role("link", name="Pengaduan / pertanyaan").click()
    expect(page.get_by_role("heading", name="Pengaduan, pertanyaan atau saran")).to_be_visible()
    expect(page.get_by_text("Ringan (2 hari kerja) · tenggat")).to_be_visible()
    page.get_by_label("Pengaduan", exact=True).check()
    page.get_by_label("Ringan (2 hari kerja)").check()
    page.get_by_label("Saluran").select_option("phone")
    page.get_by_label("Perihal").fill("Sembako tidak diterima")
    page.get_by_label("Isi pengaduan, pertanyaan atau saran").fill(
        "Sembako bulan Mei dan Juni tidak diterima keluarga."
    )
    page.locator("#id_applicant-nik").fill(NIK_MALE)
    expect(page.get_by_text("NIK belum terdaftar")).to_be_visible()
    expect(page.locator("#id_applicant-birth_date")).to_have_value("1985-08-12")
    page.locator("#id_applicant-full_name").fill("Budi Santoso")
    screenshot(page, "complaint-intake")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("dicatat")
    case = Case.objects.get()
    assert (case.kind, case.complaint_tier, case.ppks_category_id) == ("complaint", "minor", None)
    expect(page.locator("main")).to_contain_text("Sembako tidak diterima")

    backoffice = browse("backoffice", width=PHONE)
    backoffice.goto(f"/kasus/{case.number}/")
    backoffice.get_by_text("Ubah tingkat").click()
    backoffice.locator("select[name=complaint_tier]").select_option("investigation")
    backoffice.get_by_role("button", name="Simpan tingkat").click()
    expect(backoffice.locator(".alert-success")).to_contain_text("Tingkat diubah")
    assert scroll_width(backoffice) <= PHONE
    screenshot(backoffice, "complaint-tier-changed-phone")
    case.refresh_from_db()
    assert case.complaint_tier == "investigation"
    assert open_task(case, "handling").history.first().history_change_reason


def test_a_partial_round_goes_on_to_follow_up(browse, staff):
    case = partial_round(staff)
    page = browse("backoffice")
    page.goto(f"/kasus/{case.number}/")
    results = page.locator("[data-round-results]")
    expect(results).to_contain_text("Disalurkan")
    expect(results).to_contain_text("Ditolak instansi")
    screenshot(page, "partial-round-reassessment")
    card = page.locator(".card").filter(has_text="Hasil rujukan sebelumnya")
    card.get_by_role("button", name="Ambil tugas").click()
    card = page.locator(".card").filter(has_text="Hasil rujukan sebelumnya")
    expect(card.get_by_label("Lanjut ke tindak lanjut (bantuan sudah disalurkan)")).to_be_checked()
    card.get_by_role("button", name="Simpan dan selesaikan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert open_kinds(case) == ["follow_up"]


def test_a_supervisor_reopens_a_closed_case(browse, staff):
    case = closed_case(staff)
    page = browse("manajer")
    page.goto(f"/kasus/{case.number}/")
    page.get_by_text("Buka kembali kasus").click()
    page.get_by_label("Alasan membuka kembali").fill("Keluarga datang lagi: atap roboh.")
    screenshot(page, "case-reopen")
    page.get_by_role("button", name="Buka kembali", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Kasus dibuka kembali")
    expect(page.locator("main")).to_contain_text("Keluarga datang lagi: atap roboh.")
    assert open_kinds(case) == ["assessment"]


def test_the_manager_decides_the_recommended_services_before_anything_goes_out(browse, staff):
    """The back office writes each letter's reason beside its ticked service and recommends;
    the manager sees the recommendation and sends it with a change (issue 13, fault 10)."""
    Office.objects.update(service_decision_step=True)
    case = intake(staff["petugas"], requested_services=["pbi-jk"]).case
    verify(staff, case)
    backoffice = browse("backoffice")
    backoffice.goto(f"/kasus/{case.number}/")
    task = open_task(case, "assessment")
    reason = backoffice.get_by_label("Alasan rujukan PBI-JK / KIS (jaminan kesehatan bersubsidi)")
    atensi_reason = backoffice.get_by_label("Alasan rujukan ATENSI (rehabilitasi sosial)")
    expect(reason).to_be_visible()
    expect(atensi_reason).to_be_hidden()  # shown only while ATENSI is ticked
    backoffice.locator(f"input[name='t{task.pk}-services'][value='atensi']").check()
    expect(atensi_reason).to_be_visible()
    reason.fill("KIS PBI nonaktif, perlu berobat.")
    atensi_reason.fill("Anak perlu pendampingan.")
    backoffice.get_by_role("button", name="Simpan dan selesaikan").click()
    expect(backoffice.locator(".alert-success")).to_contain_text("Asesmen selesai")
    assert open_kinds(case) == ["service_decision"]

    manager = browse("manajer")
    manager.goto(f"/kasus/{case.number}/")
    recommendation = manager.locator("[data-recommendation]")
    expect(recommendation).to_contain_text("Dinas Kesehatan Bangka Tengah")
    expect(recommendation).to_contain_text("Anak perlu pendampingan.")
    decision = open_task(case, "service_decision")
    manager.locator(f"input[name='t{decision.pk}-services'][value='pbi-jk']").uncheck()
    manager.get_by_label("Tetapkan dengan perubahan layanan").check()
    screenshot(manager, "service-decision")
    manager.get_by_role("button", name="Simpan dan selesaikan").click()
    expect(manager.locator(".alert-success")).to_contain_text("Penetapan layanan selesai")
    assert [r.service.code for r in Referral.objects.filter(case=case)] == ["atensi"]
    assert Referral.objects.get(case=case).note == "Anak perlu pendampingan."
