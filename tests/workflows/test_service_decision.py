"""Penetapan layanan (issue 13, fault 10): in SLRT practice the manager (in a village, the
Puskesos coordinator) decides the services after the back office's recommendation and
before any referral goes out. On by default, switchable per office, with its own deadline
rule; the manager approves, changes the services, or returns the recommendation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Membership, Office, Role
from agencies.selectors import needs_service_decision
from cases.models import Case, Note
from core.errors import NotAllowed, WorkflowError
from referrals.models import Referral
from referrals.selectors import referrals_visible_to
from tests.conftest import NIBUNG, api_token, intake, make_user, open_kinds, open_task
from tests.workflows.test_case_flow import refer, verify
from workflows import services as wf
from workflows.models import DeadlineRule, TaskKind, WorkItem
from workflows.selectors import actionable_tasks

RETURN_REASON = "ATENSI dulu; PBI-JK menunggu verifikasi DTKS bulan depan."


@pytest.fixture
def decided_by_manager(staff):
    """The offices keep the manager's decision (as a real office does by default)."""
    Office.objects.update(service_decision_step=True)
    return staff


def recommended_case(staff, *services):
    case = intake(staff["petugas"], requested_services=list(services)).case
    verify(staff, case)
    refer(staff, case, *services)
    return case


def decide(staff, case, decision, **kwargs):
    return wf.decide_services(
        actor=staff["manajer"],
        task_id=open_task(case, "service_decision").pk,
        decision=decision,
        **kwargs,
    )


def test_the_step_is_on_by_default_and_follows_the_handling_office(staff, offices):
    assert Office(name="SLRT", kind="slrt", area_id="19.04").service_decision_step is True
    assert needs_service_decision(NIBUNG, None) is False  # the fixture's offices leave it out
    Office.objects.filter(pk=offices["nibung"].pk).update(service_decision_step=True)
    # The nearest office (the village's Puskesos) for someone of no office ...
    assert needs_service_decision(NIBUNG, None) is True
    # ... the officer's own office for the SLRT's back office.
    assert needs_service_decision(NIBUNG, staff["backoffice"].pk) is False


def test_a_recommendation_waits_for_the_manager_and_nothing_goes_out(decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk", "atensi")
    assert open_kinds(case) == ["service_decision"]
    assert Case.objects.get(pk=case.pk).stage == "decision"
    # No referral, so no agency sees the case or has a letter to print yet.
    assert not Referral.objects.filter(case=case).exists()
    assert not referrals_visible_to(staff["dinkes"]).filter(case=case).exists()
    task = open_task(case, "service_decision")
    assert task in actionable_tasks(staff["manajer"])
    for role in ("backoffice", "peksos", "dinkes", "kadinkes"):
        assert task not in actionable_tasks(staff[role])


def test_approving_sends_the_referrals_as_recommended(decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk", "atensi")
    decide(staff, case, "approve")
    referrals = Referral.objects.filter(case=case).order_by("service__code")
    assert [(r.service.code, r.agency.code, r.note) for r in referrals] == [
        ("atensi", "dinsos-bateng", "Mohon diproses"),
        ("pbi-jk", "dinkes-bateng", "Mohon diproses"),
    ]
    assert {r.sent_by for r in referrals} == {staff["manajer"]}
    assert {r.beneficiary_id for r in referrals} == {case.beneficiary_id}
    assert open_kinds(case) == ["referral_review", "referral_review"]


def test_the_manager_changes_the_services(decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk", "atensi")
    decide(staff, case, "change", referrals=[{"service": "atensi", "note": "ATENSI saja"}])
    assert list(Referral.objects.filter(case=case).values_list("service__code", "note")) == [
        ("atensi", "ATENSI saja")
    ]
    with pytest.raises(WorkflowError) as refused:
        decide(staff, recommended_case(staff, "pbi-jk"), "change", referrals=[])
    assert "minimal satu layanan" in refused.value.field_errors["referrals"][0]


def test_returning_needs_a_reason_and_the_assessment_shows_it(client, decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk")
    with pytest.raises(WorkflowError) as refused:
        decide(staff, case, "return", reason="  ")
    assert "Alasan pengembalian" in refused.value.field_errors["reason"][0]
    assert open_kinds(case) == ["service_decision"]

    decide(staff, case, "return", reason=RETURN_REASON)
    assert open_kinds(case) == ["assessment"]
    assert not Referral.objects.filter(case=case).exists()
    note = Note.objects.get(case=case, kind="decision")
    assert (note.text, note.author) == (RETURN_REASON, staff["manajer"])
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    returned = body.split("data-returned-by-manager", 1)[1].split("</div>", 1)[0]
    assert RETURN_REASON in returned

    # The back office recommends again; it goes back to the manager, who approves.
    refer(staff, case, "atensi")
    assert open_kinds(case) == ["service_decision"]
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "data-returned-by-manager" not in body
    decide(staff, case, "approve")
    assert list(Referral.objects.filter(case=case).values_list("service__code", flat=True)) == [
        "atensi"
    ]


def test_only_the_manager_of_the_area_decides(decided_by_manager, offices):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk")
    task = open_task(case, "service_decision")
    for role in ("backoffice", "peksos"):
        with pytest.raises(NotAllowed):
            wf.decide_services(actor=staff[role], task_id=task.pk, decision="approve")
    other = make_user("manajer.bks", Role.SUPERVISOR, "14.03", office=offices["slrt_bks"])
    with pytest.raises(WorkItem.DoesNotExist):
        wf.decide_services(actor=other, task_id=task.pk, decision="approve")
    assert not Referral.objects.filter(case=case).exists()


def test_an_office_that_leaves_the_step_out_refers_straight_away(decided_by_manager, offices):
    staff = decided_by_manager
    Office.objects.filter(pk=offices["slrt"].pk).update(service_decision_step=False)
    case = recommended_case(staff, "pbi-jk")
    assert open_kinds(case) == ["referral_review"]
    # The back office's own office decides, not the village's Puskesos (still on).
    assert Office.objects.get(pk=offices["nibung"].pk).service_decision_step is True


def test_the_decision_has_its_own_deadline_rule(decided_by_manager):
    staff = decided_by_manager
    rule = DeadlineRule.objects.get(kind=TaskKind.SERVICE_DECISION, service=None, agency=None)
    assert rule.working_days == 2
    rule.working_days = 4
    rule.save()
    case = recommended_case(staff, "pbi-jk")
    task = open_task(case, "service_decision")
    working_days = 0
    day = timezone.localtime(task.created_at).date()
    while day < timezone.localtime(task.due_at).date():
        day += dt.timedelta(days=1)
        working_days += day.weekday() < 5
    assert working_days == 4


def test_the_manager_decides_on_the_case_page(client, decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk", "atensi")
    task = open_task(case, "service_decision")
    client.force_login(staff["manajer"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    recommendation = body.split("data-recommendation", 1)[1].split("</div>", 1)[0]
    assert "Dinas Kesehatan Bangka Tengah" in recommendation
    assert "Dinas Sosial Bangka Tengah" in recommendation
    for code in ("pbi-jk", "atensi"):
        assert "checked" in body.split(f'value="{code}"', 1)[1].split(">", 1)[0]
    url = reverse("task_complete", args=[task.pk])
    prefix = f"t{task.pk}-"
    # Approving while the ticks differ from the recommendation is refused, on the decision.
    response = client.post(
        url, {f"{prefix}decision": "approve", f"{prefix}services": ["atensi"]}, follow=True
    )
    assert response.status_code == 400
    assert "berbeda dari rekomendasi" in response.content.decode()
    assert not Referral.objects.filter(case=case).exists()
    response = client.post(
        url, {f"{prefix}decision": "change", f"{prefix}services": ["atensi"]}, follow=True
    )
    assert response.status_code == 200
    assert list(Referral.objects.filter(case=case).values_list("service__code", flat=True)) == [
        "atensi"
    ]


def test_a_change_on_the_page_keeps_the_chosen_agency_and_asks_each_letters_reason(
    client, decided_by_manager
):
    """The back office sent PBI-JK to the social office on purpose; the manager adds ATENSI
    with its reason: PBI-JK stays with the social office (review finding)."""
    staff = decided_by_manager
    case = intake(staff["petugas"], requested_services=["pbi-jk"]).case
    verify(staff, case)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "pbi-jk", "agency": "dinsos-bateng", "note": "Lewat Dinsos."}],
    )
    task = open_task(case, "service_decision")
    client.force_login(staff["manajer"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "→ Dinas Sosial Bangka Tengah" in page  # the label says where it goes
    prefix = f"t{task.pk}-"
    data = {
        f"{prefix}decision": "approve",
        f"{prefix}services": ["pbi-jk"],
        f"{prefix}reason_pbi-jk": "Alasan diubah manajer.",
    }
    refused = client.post(reverse("task_complete", args=[task.pk]), data)
    assert refused.status_code == 400 and "berbeda dari rekomendasi" in refused.content.decode()
    data.update(
        {
            f"{prefix}decision": "change",
            f"{prefix}services": ["pbi-jk", "atensi"],
            f"{prefix}reason_atensi": "Anak perlu pendampingan.",
        }
    )
    assert client.post(reverse("task_complete", args=[task.pk]), data).status_code == 302
    sent = {r.service.code: (r.agency.code, r.note) for r in Referral.objects.filter(case=case)}
    assert sent == {
        "pbi-jk": ("dinsos-bateng", "Alasan diubah manajer."),
        "atensi": ("dinsos-bateng", "Anak perlu pendampingan."),
    }


def test_a_returned_recommendation_comes_back_filled_in(client, decided_by_manager):
    staff = decided_by_manager
    case = intake(staff["petugas"], requested_services=["pbi-jk", "atensi"]).case
    verify(staff, case)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "atensi", "note": "Pendampingan anak."}],
    )
    decide(staff, case, "return", reason=RETURN_REASON)
    task = open_task(case, "assessment")
    client.force_login(staff["backoffice"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    form = page.split(f'data-draft="task-{task.pk}"', 1)[1].split("</form>", 1)[0]
    # As recommended (ATENSI only), not as requested (PBI-JK and ATENSI), reason kept.
    assert "checked" in form.split('value="atensi"', 1)[1].split(">", 1)[0]
    assert "checked" not in form.split('value="pbi-jk"', 1)[1].split(">", 1)[0]
    assert 'value="Pendampingan anak."' in form


def test_the_api_names_the_field_inside_a_referral(decided_by_manager):
    staff = decided_by_manager
    case = recommended_case(staff, "pbi-jk")
    task = open_task(case, "service_decision")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(staff['manajer'])}")
    response = api.post(
        f"/api/v1/tasks/{task.pk}/complete/",
        {"decision": "change", "referrals": [{"service": "pbi-jk", "agency": "x" * 41}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["referrals.0.agency"]


def test_without_a_supervisor_to_decide_the_recommendation_goes_straight_out(
    decided_by_manager,
):
    """No supervisor covers the case's region (none set up yet): the step would hold the
    case with nobody to act, so the referrals go out (review finding)."""
    staff = decided_by_manager
    Membership.objects.filter(role=Role.SUPERVISOR).update(is_active=False)
    case = recommended_case(staff, "pbi-jk")
    assert open_kinds(case) == ["referral_review"]


def test_a_recommended_service_no_rule_reaches_can_be_approved_on_the_page(
    client, decided_by_manager
):
    """The back office named the agency for BLT Dana Desa, which no routing rule sends
    anywhere (the API allows it): the manager's page still offers it, ticked."""
    staff = decided_by_manager
    case = intake(staff["petugas"], requested_services=["blt-dd"]).case
    verify(staff, case)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "blt-dd", "agency": "dinsos-bateng", "note": "BLT desa."}],
    )
    task = open_task(case, "service_decision")
    client.force_login(staff["manajer"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "checked" in page.split('value="blt-dd"', 1)[1].split(">", 1)[0]
    prefix = f"t{task.pk}-"
    data = {
        f"{prefix}decision": "approve",
        f"{prefix}services": ["blt-dd"],
        f"{prefix}reason_blt-dd": "BLT desa.",
    }
    assert client.post(reverse("task_complete", args=[task.pk]), data).status_code == 302
    referral = Referral.objects.get(case=case)
    assert (referral.service.code, referral.agency.code) == ("blt-dd", "dinsos-bateng")
