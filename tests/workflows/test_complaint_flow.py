"""Complaints, questions, suggestions: handling, response, closure, with tier deadlines."""

import pytest

from agencies.calendar import add_working_days
from cases.models import Case, Note
from core.errors import WorkflowError
from tests.conftest import intake, open_kinds, open_task
from workflows import services as wf


def complaint(staff, **extra):
    return intake(
        staff["petugas"],
        kind="complaint",
        description="Bantuan sembako tidak diterima 3 bulan.",
        requested_services=[],
        **extra,
    ).case


def test_complaint_runs_handling_response_closure(staff):
    case = complaint(staff)
    assert open_kinds(case) == ["handling"]
    wf.complete_handling(
        actor=staff["backoffice"],
        task_id=open_task(case, "handling").pk,
        note="Dicek ke SIKS-NG: KKS terblokir, diajukan pembukaan.",
    )
    assert open_kinds(case) == ["response"]
    with pytest.raises(WorkflowError) as excinfo:
        wf.complete_response(
            actor=staff["backoffice"],
            task_id=open_task(case, "response").pk,
            response="",
            channel="x",
        )
    assert {"response", "channel"} <= set(excinfo.value.field_errors)
    wf.complete_response(
        actor=staff["backoffice"],
        task_id=open_task(case, "response").pk,
        response="KKS sudah dibuka, bantuan cair bulan depan.",
        channel="phone",
    )
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.outcome) == ("closed", "answered")
    answer = Note.objects.get(case=case, kind="response")
    assert (answer.channel, answer.author) == ("phone", staff["backoffice"])


@pytest.mark.parametrize("tier, days", [("minor", 2), ("normative", 5), ("investigation", 60)])
def test_handling_deadline_follows_the_complaint_tier(staff, tier, days):
    case = complaint(staff, complaint_tier=tier)
    item = open_task(case, "handling")
    assert item.due_at == add_working_days(item.created_at, days, case.region_id)


def test_back_office_forwards_a_complaint_to_an_agency(staff):
    case = complaint(staff)
    wf.complete_handling(
        actor=staff["backoffice"],
        task_id=open_task(case, "handling").pk,
        note="Teruskan ke Dinas Kesehatan: keluhan layanan Puskesmas.",
        forward_to_agency="dinkes-bateng",
    )
    item = open_task(case, "handling")
    assert item.agency.code == "dinkes-bateng"
    # The agency now sees the case and handles it; the back office answers the citizen.
    wf.complete_handling(
        actor=staff["dinkes"], task_id=item.pk, note="Petugas Puskesmas sudah dibina."
    )
    assert open_kinds(case) == ["response"]


def test_forwarding_to_another_regency_is_refused(staff, agencies):
    case = complaint(staff)
    with pytest.raises(WorkflowError) as excinfo:
        wf.complete_handling(
            actor=staff["backoffice"],
            task_id=open_task(case, "handling").pk,
            note="x",
            forward_to_agency="dinkes-bengkalis",
        )
    assert "forward_to_agency" in excinfo.value.field_errors
    assert open_task(case, "handling").agency is None
