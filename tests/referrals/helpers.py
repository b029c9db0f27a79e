"""Referred cases made through the real services, for the agency page tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import intake, open_task, person
from workflows import services as wf
from workflows.models import WorkItem


def forwarded_complaint(staff, agency_code: str, *, nik: str = "1904015208850077"):
    """A complaint the back office forwarded to an agency: its handling task is the agency's."""
    case = intake(
        staff["petugas"],
        kind="complaint",
        description="Pelayanan Puskesmas Koba kurang ramah.",
        requested_services=[],
        applicant=person(nik=nik, full_name="Siti Aminah", sex="F"),
    ).case
    wf.complete_handling(
        actor=staff["backoffice"],
        task_id=open_task(case, "handling").pk,
        note="Diteruskan ke instansi.",
        forward_to_agency=agency_code,
    )
    return case


def set_due(item: WorkItem, *, due_in: dt.timedelta, risk_from: dt.timedelta | None = None):
    """Move a task's stored deadline (the badges and the order read only these columns)."""
    now = timezone.now()
    item.due_at = now + due_in
    item.at_risk_at = now + (risk_from if risk_from is not None else due_in - dt.timedelta(days=1))
    item.save(update_fields=["due_at", "at_risk_at"])
    return item
