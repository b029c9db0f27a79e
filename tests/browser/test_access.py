"""An agency sees only the cases referred to it: anything else is the not-found page."""

from playwright.sync_api import expect

from tests.conftest import NIK_FEMALE, intake, person, referred_case


def test_agency_staff_opening_another_agencys_case_gets_the_not_found_page(browse, staff):
    health_case = referred_case(staff, nik=NIK_FEMALE, services=["pbi-jk"], full_name="Siti Aminah")
    unreferred = intake(staff["petugas"], applicant=person(full_name="Budi Santoso")).case

    # Dinas Sosial staff: the health case went to Dinas Kesehatan only.
    page = browse("dinsos")
    for case in (health_case, unreferred):
        response = page.goto(f"/kasus/{case.number}/")
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
        expect(
            page.get_by_text("Data yang Anda cari tidak ada atau tidak dapat Anda akses.")
        ).to_be_visible()
        expect(page.locator("main")).not_to_contain_text(case.number)
        expect(page.locator("body")).not_to_contain_text("Siti Aminah")
        expect(page.locator("body")).not_to_contain_text("Budi Santoso")

    # The way back leads to their own (empty) case list.
    page.get_by_role("link", name="Kembali ke daftar kasus").click()
    expect(page.get_by_role("heading", name="Daftar kasus")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(health_case.number)

    # Dinas Kesehatan does see the case referred to it, but not the unreferred one.
    page = browse("dinkes")
    assert page.goto(f"/kasus/{health_case.number}/").status == 200
    expect(page.get_by_role("heading", name=f"Kasus {health_case.number}")).to_be_visible()
    assert page.goto(f"/kasus/{unreferred.number}/").status == 404
