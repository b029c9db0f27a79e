"""The main pages of each role at desktop (1280 px) and phone (360 px) widths.

Saves ``test-artifacts/screenshots/<page>-<user>-<width>.png`` for a reviewer to look at,
and checks that the pages an officer works from on a phone (the inbox, the case page, the
case list, the notifications) fit 360 px without sideways scrolling.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, scroll_width
from tests.conftest import NIK_FEMALE, intake, open_task, person, referred_case
from workflows.escalation import check_deadlines
from workflows.models import WorkItem


@pytest.fixture
def cases(staff):
    """A new case waiting for its home visit (overdue, so the bells ring), and a case
    referred to two agencies, for a beneficiary with a long name."""
    new = intake(
        staff["petugas"],
        description="Atap rumah roboh sebagian setelah hujan deras; tiga anak usia sekolah.",
    ).case
    WorkItem.objects.filter(pk=open_task(new, "verification").pk).update(
        due_at=timezone.now() - dt.timedelta(days=2),
        at_risk_at=timezone.now() - dt.timedelta(days=3),
    )
    check_deadlines()  # the overdue notices for the officers and the supervisor
    referred = referred_case(
        staff,
        nik=NIK_FEMALE,
        services=["pbi-jk", "atensi"],
        full_name="Siti Nurhaliza binti Abdurrahman Wahyuningsih",
    )
    intake(staff["petugas"], applicant=person(nik="1904011208850003", full_name="Ahmad Yani"))
    return {"new": new, "referred": referred}


def test_main_pages_at_desktop_and_phone_width(browse, staff, cases):
    new, referred = (f"/kasus/{cases[k].number}/" for k in ("new", "referred"))
    tours = {
        # user: [(page name, URL, main heading, checked for sideways scrolling at 360 px)]
        "peksos": [
            ("case-list", "/", "Daftar kasus", True),
            ("inbox", "/tugas/", "Tugas saya", True),
            ("case-home-visit", new, f"Kasus {cases['new'].number}", True),
            ("notifications", "/notifikasi/", "Notifikasi", True),
        ],
        "petugas": [
            ("case-open", "/kasus/baru/", "Buka kasus", True),
        ],
        "manajer": [
            ("dashboard", "/dasbor/", "Dasbor wilayah", True),
            ("recap", "/rekap/?region=19.04", "Rekap bulanan", True),
            ("case-referred", referred, f"Kasus {cases['referred'].number}", True),
        ],
        "dinkes": [
            ("agency-queue", "/antrean/", "Antrean instansi", True),
            ("inbox", "/tugas/", "Tugas saya", True),
            ("case-referral-review", referred, f"Kasus {cases['referred'].number}", True),
        ],
    }
    widths: dict[str, int] = {}
    for user, tour in tours.items():
        for width in (DESKTOP, PHONE):
            page = browse(user, width=width)
            for name, url, heading, _ in tour:
                response = page.goto(url)
                assert response is not None and response.ok, url
                expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
                screenshot(page, f"{name}-{user}-{width}")
                if width == PHONE:
                    widths[f"{name} ({user})"] = scroll_width(page)

    checked = {f"{name} ({user})" for user, tour in tours.items() for name, *_, c in tour if c}
    too_wide = {page: w for page, w in widths.items() if page in checked and w > PHONE}
    assert not too_wide, f"wider than {PHONE} px on a phone: {too_wide}"
