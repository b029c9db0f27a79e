"""The supervisor's dashboard: overdue work, handed to another officer in one click."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import intake, open_task
from workflows import services as wf
from workflows.models import WorkItem


def test_supervisor_reassigns_an_overdue_visit_from_the_dashboard(browse, staff):
    case = intake(staff["petugas"]).case
    visit = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=visit.pk)
    WorkItem.objects.filter(pk=visit.pk).update(due_at=timezone.now() - dt.timedelta(days=3))

    manajer = browse("manajer")
    manajer.get_by_role("link", name="Dasbor").click()
    expect(manajer.get_by_role("heading", name="Dasbor wilayah")).to_be_visible()
    overdue_count = manajer.locator(".card").filter(has_text="Tugas terlambat")
    expect(overdue_count).to_contain_text("1")
    row = manajer.get_by_role("row").filter(has_text=case.number)
    expect(row).to_contain_text("Verifikasi (kunjungan rumah)")
    expect(row.get_by_role("cell").nth(3)).to_have_text("peksos")

    row.get_by_label("Alihkan ke").select_option(label="peksos2")
    row.get_by_role("button", name="Alihkan").click()

    # The case page confirms, and shows the new holder on the task.
    expect(manajer.locator(".alert-success")).to_have_text("Tugas dialihkan ke peksos2.")
    expect(manajer.get_by_role("heading", name=f"Kasus {case.number}")).to_be_visible()
    card = manajer.locator(".card").filter(has_text="Verifikasi (kunjungan rumah)")
    expect(card).to_contain_text("Dipegang oleh peksos2")
    # Back on the dashboard the overdue row names the new holder.
    manajer.get_by_role("link", name="Dasbor").click()
    row = manajer.get_by_role("row").filter(has_text=case.number)
    expect(row.get_by_role("cell").nth(3)).to_have_text("peksos2")
    assert WorkItem.objects.get(pk=visit.pk).task.owner == staff["peksos2"]

    # The visit left the first officer's inbox and is in the second one's, marked late.
    peksos = browse("peksos")
    peksos.get_by_role("link", name="Tugas saya").click()
    expect(peksos.get_by_role("heading", name="Tugas saya")).to_be_visible()
    expect(peksos.locator("main")).not_to_contain_text(case.number)
    peksos2 = browse("peksos2")
    peksos2.get_by_role("link", name="Tugas saya").click()
    entry = peksos2.get_by_role("link").filter(has_text=case.number)
    expect(entry).to_contain_text("Verifikasi (kunjungan rumah)")
    expect(entry).to_contain_text("Terlambat")
    expect(entry).to_contain_text("diambil oleh peksos2")
