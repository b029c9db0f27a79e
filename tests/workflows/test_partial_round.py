"""A round of referrals that delivered some aid and had the rest rejected (issue 13, fault 1):
the re-assessment shows how each referral ended, ticks no delivered service again, and can
go on to the social worker's follow-up."""

import pytest
from django.urls import reverse

from core.errors import WorkflowError
from referrals.models import Referral
from tests.conftest import intake, open_kinds, open_task
from tests.workflows.test_case_flow import accept_and_approve, deliver, refer, verify
from workflows import services as wf
from workflows.models import WorkItem

REJECTION = "Sudah menerima ATENSI tahun ini."


def partial_round(staff):
    """PBI-JK delivered by the health office, ATENSI rejected by the social office."""
    case = intake(staff["petugas"], requested_services=["pbi-jk", "atensi"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk", "atensi")
    atensi = Referral.objects.get(case=case, service__code="atensi")
    wf.review_referral(
        actor=staff["dinsos"],
        task_id=WorkItem.objects.open().get(referral=atensi).pk,
        decision="reject",
        reason=REJECTION,
    )
    accept_and_approve(staff, case)
    deliver(staff, case)
    assert open_kinds(case) == ["assessment"]
    return case


def test_the_reassessment_shows_each_referrals_end_and_ticks_nothing_delivered(client, staff):
    case = partial_round(staff)
    task = open_task(case, "assessment")
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    results = body.split("data-round-results", 1)[1].split("</div>", 1)[0]
    assert "Disalurkan" in results and "Ditolak instansi" in results
    assert REJECTION in results
    # Neither the delivered PBI-JK nor the rejected ATENSI is ticked again; follow-up is
    # offered and chosen by default.
    for code in ("pbi-jk", "atensi"):
        tag = body.split(f'value="{code}"', 1)[1].split(">", 1)[0]
        assert "checked" not in tag
    follow_up = body.split(f'name="t{task.pk}-resolution" value="follow_up"', 1)[1]
    assert "checked" in follow_up.split(">", 1)[0]
    assert "Lanjut ke tindak lanjut" in body


def test_the_back_office_sends_a_partial_round_on_to_follow_up(staff):
    case = partial_round(staff)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="follow_up",
        note="PBI-JK aktif; ATENSI ditolak, keluarga dipantau.",
    )
    assert open_kinds(case) == ["follow_up"]


def test_follow_up_is_refused_while_nothing_was_delivered(client, staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    task = open_task(case, "assessment")
    with pytest.raises(WorkflowError) as refused:
        wf.complete_assessment(actor=staff["backoffice"], task_id=task.pk, resolution="follow_up")
    assert "Belum ada bantuan yang disalurkan" in refused.value.field_errors["resolution"][0]
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert 'value="follow_up"' not in body
