"""A referral names who receives the aid among the beneficiary's family card; the aid
history and the double-aid rule follow that person (issue 13, fault 7)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Person
from cases.services import register_person
from core.errors import WorkflowError
from referrals.models import Delivery, Referral
from referrals.selectors import prior_aid
from tests.conftest import KOTA_BENGKALIS, NIK_FEMALE, intake, open_task, person
from tests.workflows.test_case_flow import accept_and_approve, deliver, verify
from workflows import services as wf

KK = "1904010101200001"
CHILD_NIK = "1904015203150003"


def mother_and_child(staff):
    """Siti's case, her family card, and her daughter Aisyah on the same card."""
    case = intake(
        staff["petugas"],
        applicant=person(nik=NIK_FEMALE, full_name="Siti Aminah", sex="F", relationship="head"),
        kk_number=KK,
    ).case
    child, _warnings = register_person(
        actor=staff["petugas"],
        data=person(
            nik=CHILD_NIK,
            full_name="Aisyah",
            sex="F",
            birth_date=dt.date(2015, 3, 12),
            relationship="child",
        ),
        kk_number=KK,
    )
    verify(staff, case)
    return case, child


def test_a_childs_aid_on_the_mothers_case_lands_in_the_childs_history(staff):
    case, child = mother_and_child(staff)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "pbi-jk", "beneficiary": child.pk}],
    )
    assert Referral.objects.get(case=case).beneficiary == child
    accept_and_approve(staff, case)
    deliver(staff, case)
    delivery = Delivery.objects.get()
    assert delivery.person == child
    # The child's aid history has it; the mother's (the case's beneficiary) does not.
    today = timezone.localdate()
    assert [aid["service"] for aid in prior_aid(child, aid_types={delivery.aid_type}, on=today)]
    assert prior_aid(case.beneficiary, aid_types={delivery.aid_type}, on=today) == []


def test_a_receiver_outside_the_family_card_is_refused_naming_the_service(staff):
    case, _child = mother_and_child(staff)
    stranger = intake(staff["petugas"]).case.beneficiary  # Budi, on no card of Siti's
    with pytest.raises(WorkflowError) as refused:
        wf.complete_assessment(
            actor=staff["backoffice"],
            task_id=open_task(case, "assessment").pk,
            resolution="refer",
            referrals=[{"service": "pbi-jk", "beneficiary": stranger.pk}],
        )
    [message] = refused.value.field_errors["referrals.0.beneficiary"]
    assert message.startswith("PBI-JK") and "anggota KK" in message
    assert not Referral.objects.filter(case=case).exists()


def test_the_assessment_form_asks_who_receives_each_service(client, staff):
    case, child = mother_and_child(staff)
    task = open_task(case, "assessment")
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Penerima PBI-JK" in body and "Aisyah (Anak)" in body
    client.post(reverse("task_claim", args=[task.pk]))
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {
            f"t{task.pk}-resolution": "refer",
            f"t{task.pk}-services": ["pbi-jk"],
            f"t{task.pk}-for_pbi-jk": str(child.pk),
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(case=case)
    assert referral.beneficiary == child
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Penerima: Aisyah" in page


def test_a_family_member_the_back_office_may_not_see_is_neither_listed_nor_accepted(client, staff):
    """A relative on the same card living in another regency: their name stays out of the
    form, and naming their id is answered as for any stranger."""
    case, _child = mother_and_child(staff)
    away = Person.objects.create(
        full_name="Rahmat Perantau",
        sex="M",
        birth_date=dt.date(2000, 1, 1),
        region_id=KOTA_BENGKALIS,
        family=case.beneficiary.family,
        relationship="child",
        no_nik_reason="Merantau",
    )
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Aisyah (Anak)" in body and "Rahmat Perantau" not in body
    with pytest.raises(WorkflowError) as refused:
        wf.complete_assessment(
            actor=staff["backoffice"],
            task_id=open_task(case, "assessment").pk,
            resolution="refer",
            referrals=[{"service": "pbi-jk", "beneficiary": away.pk}],
        )
    assert "referrals.0.beneficiary" in refused.value.field_errors
