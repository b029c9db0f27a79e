"""The service-request flow, step by step, through the real services and viewflow."""

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from agencies.models import Service
from cases.models import Case, FollowUp, HomeVisit
from core.errors import NotAllowed, TaskNotOpen, TaskTaken, WorkflowError
from referrals.models import Delivery, Referral
from tests.conftest import intake, open_kinds, open_task
from workflows import services as wf
from workflows.models import WorkItem

NOW = timezone.now


def verify(staff, case, recommendation="eligible"):
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    return wf.complete_verification(
        actor=staff["peksos"],
        task_id=task.pk,
        visited_at=NOW(),
        findings="Rumah papan, atap bocor; anak demam tinggi.",
        household_conditions="5 orang, penghasilan buruh harian",
        recommendation=recommendation,
    )


def refer(staff, case, *specs):
    return wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": s, "note": "Mohon diproses"} for s in specs],
    )


def deliver(staff, case, **extra):
    kwargs = {
        "delivered_at": NOW(),
        "channel": "service",
        "items": "Kepesertaan PBI-JK aktif kembali",
    }
    kwargs.update(extra)
    actor = kwargs.pop("actor", staff["dinkes"])
    return wf.record_delivery(actor=actor, task_id=open_task(case, "delivery").pk, **kwargs)


def accept_and_approve(staff, case):
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )


def reload(case):
    return Case.objects.get(pk=case.pk)


def test_service_request_runs_from_intake_to_closed_through_every_role(staff):
    case = intake(staff["petugas"]).case
    assert case.registry_findings["registry_status"] == "unknown"
    assert open_kinds(case) == ["verification"]

    verify(staff, case)
    assert reload(case).stage == "assessment"

    refer(staff, case, "pbi-jk")
    referral = Referral.objects.get(case=case)
    assert referral.agency.code == "dinkes-bateng"  # the service's agency kind in the regency
    assert reload(case).stage == "referral"
    assert open_kinds(case) == ["referral_review"]

    accept_and_approve(staff, case)
    assert reload(case).stage == "delivery"
    deliver(staff, case)
    referral.refresh_from_db()
    assert referral.status == "delivered"
    assert reload(case).stage == "follow_up"

    wf.complete_follow_up(
        actor=staff["peksos"],
        task_id=open_task(case, "follow_up").pk,
        contacted_at=NOW(),
        outcome="improved",
        note="Anak sudah berobat di RSUD.",
    )
    assert open_kinds(case) == ["closure"]
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )

    case = reload(case)
    assert (case.stage, case.status, case.outcome) == ("closed", "closed", "served")
    assert case.closed_at is not None
    assert case.process.status == "DONE"

    # Who did each step, and when, is on record.
    done = {
        w.kind: w.task for w in WorkItem.objects.filter(case=case).select_related("task__owner")
    }
    assert {kind: task.owner.username for kind, task in done.items()} == {
        "verification": "peksos",
        "assessment": "backoffice",
        "referral_review": "dinkes",
        "approval": "kadinkes",
        "delivery": "dinkes",
        "follow_up": "peksos",
        "closure": "manajer",
    }
    assert all(task.finished is not None for task in done.values())
    assert HomeVisit.objects.get(case=case).visited_by == staff["peksos"]
    assert Delivery.objects.get(referral__case=case).recorded_by == staff["dinkes"]
    assert FollowUp.objects.get(case=case).recorded_by == staff["peksos"]
    assert referral.sent_by == staff["backoffice"]
    history_users = {r.history_user.username for r in case.history.all()}
    assert {"petugas", "peksos", "backoffice", "dinkes", "manajer"} <= history_users
    claimed = Task.history.filter(id=done["verification"].pk, owner=staff["peksos"])
    assert claimed.first().history_user == staff["peksos"]


def test_not_eligible_goes_to_closure_rejected_after_verification(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case, recommendation="not_eligible")
    assert open_kinds(case) == ["closure"]
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    assert reload(case).outcome == "rejected_after_verification"


def test_supervisor_can_waive_the_visit_with_a_reason(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    with pytest.raises(WorkflowError):
        wf.waive_verification(actor=staff["manajer"], task_id=task.pk, reason=" ")
    with pytest.raises(NotAllowed):
        wf.waive_verification(actor=staff["peksos"], task_id=task.pk, reason="Lansia")
    wf.waive_verification(actor=staff["manajer"], task_id=task.pk, reason="Korban banjir, darurat")
    case = reload(case)
    assert case.verification_waiver_reason == "Korban banjir, darurat"
    assert open_kinds(case) == ["assessment"]


def test_local_resolution_needs_a_note_and_closes_as_resolved_locally(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    task = open_task(case, "assessment")
    with pytest.raises(WorkflowError) as excinfo:
        wf.complete_assessment(
            actor=staff["backoffice"], task_id=task.pk, resolution="resolved_locally"
        )
    assert "note" in excinfo.value.field_errors
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=task.pk,
        resolution="resolved_locally",
        note="Diaktifkan kembali lewat Jamkesda oleh desa.",
    )
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    assert reload(case).outcome == "resolved_locally"


def test_referrals_run_in_parallel_and_a_rejection_returns_to_assessment(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk", "atensi")
    assert open_kinds(case) == ["referral_review", "referral_review"]
    atensi = Referral.objects.get(case=case, service__code="atensi")
    assert atensi.agency.code == "dinsos-bateng"
    dinsos_task = WorkItem.objects.open().get(referral=atensi)

    with pytest.raises(WorkflowError) as excinfo:
        wf.review_referral(actor=staff["dinsos"], task_id=dinsos_task.pk, decision="reject")
    assert "reason" in excinfo.value.field_errors
    wf.review_referral(
        actor=staff["dinsos"],
        task_id=dinsos_task.pk,
        decision="reject",
        reason="Sudah menerima ATENSI tahun ini.",
    )
    # The case still waits for the health referral.
    assert open_kinds(case) == ["referral_review"]
    accept_and_approve(staff, case)
    deliver(staff, case)
    assert open_kinds(case) == ["assessment"]
    assert reload(case).stage == "assessment"


def test_approver_rejection_ends_the_referral_and_the_case_goes_to_closure(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    approval = open_task(case, "approval")
    with pytest.raises(NotAllowed):  # staff cannot approve
        wf.decide_approval(actor=staff["dinkes"], task_id=approval.pk, decision="approve")
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=approval.pk, decision="reject", note="Kuota habis."
    )
    assert Referral.objects.get(case=case).status == "declined"
    assert open_kinds(case) == ["closure"]
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    assert reload(case).outcome == "rejected"


def test_approver_can_send_the_referral_back_for_revision(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"],
        task_id=open_task(case, "approval").pk,
        decision="revise",
        note="Lengkapi surat keterangan sakit.",
    )
    assert open_kinds(case) == ["referral_review"]
    assert Referral.objects.get(case=case).status == "sent"


def test_two_level_approval_chain(staff):
    Service.objects.filter(code="pbi-jk").update(approval_levels=2)
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )
    assert open_kinds(case) == ["approval"]
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )
    assert open_kinds(case) == ["delivery"]


def test_sender_revokes_an_undelivered_referral(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    referral = Referral.objects.get(case=case)
    with pytest.raises(NotAllowed):
        wf.revoke_referral(actor=staff["peksos"], referral_id=referral.pk, reason="salah")
    wf.revoke_referral(
        actor=staff["backoffice"], referral_id=referral.pk, reason="Salah layanan, ajukan Jamkesda."
    )
    referral.refresh_from_db()
    assert referral.status == "revoked" and referral.decision_reason.startswith("Salah")
    assert referral.process.status == "CANCELED"
    assert open_kinds(case) == ["closure"]
    with pytest.raises(WorkflowError):
        wf.revoke_referral(actor=staff["backoffice"], referral_id=referral.pk, reason="lagi")


def test_follow_up_needing_more_help_returns_to_assessment(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    accept_and_approve(staff, case)
    deliver(staff, case)
    wf.complete_follow_up(
        actor=staff["peksos"],
        task_id=open_task(case, "follow_up").pk,
        contacted_at=NOW(),
        outcome="needs_more_help",
    )
    assert open_kinds(case) == ["assessment"]


def test_closure_can_reopen_and_a_closed_case_can_be_reopened_later(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case, recommendation="not_eligible")
    closure = open_task(case, "closure")
    with pytest.raises(WorkflowError):
        wf.complete_closure(actor=staff["manajer"], task_id=closure.pk, decision="reopen")
    wf.complete_closure(
        actor=staff["manajer"], task_id=closure.pk, decision="reopen", note="Ada bukti baru."
    )
    assert open_kinds(case) == ["assessment"]
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="resolved_locally",
        note="Dibantu desa.",
    )
    wf.complete_closure(
        actor=staff["manajer"], task_id=open_task(case, "closure").pk, decision="close"
    )
    case = reload(case)
    assert case.status == "closed" and case.round == 2
    first_process = case.process

    with pytest.raises(NotAllowed):
        wf.reopen_case(actor=staff["backoffice"], number=case.number, reason="x")
    wf.reopen_case(actor=staff["manajer"], number=case.number, reason="Keluarga datang lagi.")
    case = reload(case)
    assert (case.status, case.round, case.outcome) == ("open", 3, "")
    assert case.process != first_process
    assert open_kinds(case) == ["assessment"]  # a new round skips intake and the visit
    assert WorkItem.objects.filter(case=case).count() == 5  # earlier rounds kept


def test_double_aid_is_refused_unless_an_approver_overrides(staff):
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)

    # Same person, regional health coverage: the same aid type in the same month.
    second = intake(staff["petugas"], requested_services=["jamkesda"]).case
    assert second.registry_findings["prior_aid"][0]["aid_type"] == "jaminan-kesehatan"
    verify(staff, second)
    refer(staff, second, "jamkesda")
    accept_and_approve(staff, second)
    with pytest.raises(WorkflowError) as excinfo:
        deliver(staff, second)
    assert "Bantuan ganda" in excinfo.value.field_errors["double_aid_override_reason"][0]
    assert Delivery.objects.count() == 1
    with pytest.raises(NotAllowed):
        deliver(staff, second, double_aid_override_reason="Beda periode anggaran")
    # The staff member holds the task; the head of agency takes it over to override.
    task = open_task(second, "delivery")
    wf.assign_task(actor=staff["kadinkes"], task_id=task.pk, assignee=staff["kadinkes"])
    deliver(
        staff,
        second,
        actor=staff["kadinkes"],
        double_aid_override_reason="PBI berakhir akhir bulan; Jamkesda menyambung.",
    )
    delivery = Delivery.objects.get(referral__case=second)
    assert delivery.double_aid_override_by == staff["kadinkes"]


def test_claim_conflict_names_the_holder_and_done_tasks_refuse_work(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    with pytest.raises(TaskTaken) as excinfo:
        wf.claim_task(actor=staff["peksos2"], task_id=task.pk)
    assert excinfo.value.holder == "peksos"
    verify(staff, case)
    with pytest.raises(TaskNotOpen):
        wf.claim_task(actor=staff["peksos"], task_id=task.pk)


def test_supervisor_reassigns_to_an_eligible_officer_only(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    with pytest.raises(WorkflowError):
        wf.assign_task(actor=staff["manajer"], task_id=task.pk, assignee=staff["dinkes"])
    with pytest.raises(NotAllowed):
        wf.assign_task(actor=staff["peksos"], task_id=task.pk, assignee=staff["peksos2"])
    wf.assign_task(actor=staff["manajer"], task_id=task.pk, assignee=staff["peksos2"])
    assert Task.objects.get(pk=task.pk).owner == staff["peksos2"]


def test_wrong_role_and_other_regency_cannot_touch_a_task(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    with pytest.raises(NotAllowed):
        wf.claim_task(actor=staff["backoffice"], task_id=task.pk)
    with pytest.raises(WorkItem.DoesNotExist):
        wf.claim_task(actor=staff["petugas_bks"], task_id=task.pk)
    with pytest.raises(WorkItem.DoesNotExist):
        wf.claim_task(actor=staff["dinkes"], task_id=task.pk)


def test_bad_payload_names_fields_and_leaves_the_task_open(staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    with pytest.raises(WorkflowError) as excinfo:
        wf.complete_verification(
            actor=staff["peksos"],
            task_id=task.pk,
            visited_at=None,
            findings="",
            recommendation="maybe",
        )
    assert {"visited_at", "findings", "recommendation"} <= set(excinfo.value.field_errors)
    assert open_kinds(case) == ["verification"]
    assert not HomeVisit.objects.exists()
