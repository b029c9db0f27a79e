"""Each access rule decided once, and the side doors found by the access review (issue 10):
users with two memberships, a deactivated agency, forwarding by a non-holder, letters and
documents after a referral is revoked or ended, strangers named by the reassign form, and
out-of-scope answers that look exactly like missing ones.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Agency, Membership, Role
from cases.models import Attachment, Case, Person
from cases.selectors import cases_visible_to, sees_whole_case
from core.errors import TaskTaken
from referrals.models import Referral
from tests.conftest import (
    KOTA_BENGKALIS,
    NIBUNG,
    NIK_MALE,
    intake,
    make_user,
    open_task,
    person,
    referred_case,
)
from workflows import services as wf
from workflows.models import WorkItem

FINDINGS = "Rumah papan, atap bocor, anak demam."  # what referred_case's visit recorded


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(staff):
    return referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])


# --- two memberships ---------------------------------------------------------------------


def test_administrator_who_is_also_agency_staff_sees_only_what_the_referral_needs(
    client, staff, agencies, case
):
    """An administrator membership over the regency adds no case-team view."""
    user = make_user("admin.dinkes", Role.AGENCY_STAFF, "19.04", agency=agencies["dinkes"])
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR, area_id="19.04")
    assert cases_visible_to(user).filter(pk=case.pk).exists()
    assert not sees_whole_case(user, case)
    client.force_login(user)
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert case.number in page
    assert FINDINGS not in page


def test_intake_officer_in_two_regencies_serves_both(staff, offices):
    user = make_user("petugas.dua", Role.INTAKE, NIBUNG, office=offices["nibung"])
    Membership.objects.create(
        user=user, role=Role.INTAKE, area_id=KOTA_BENGKALIS, office=offices["slrt_bks"]
    )
    here = intake(user).case
    there = intake(user, applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)).case
    assert set(cases_visible_to(user)) == {here, there}
    assert sees_whole_case(user, there)


# --- a deactivated agency ----------------------------------------------------------------


def test_deactivated_agency_sees_lists_claims_and_completes_nothing(client, staff, case):
    Agency.objects.filter(code="dinkes-bateng").update(is_active=False)
    task = open_task(case, "referral_review")
    referral = Referral.objects.get(case=case)
    for username in ("dinkes", "kadinkes"):
        user = staff[username]
        client.force_login(user)
        assert client.get(reverse("case_detail", args=[case.number])).status_code == 404
        assert client.get(reverse("referral_detail", args=[referral.pk])).status_code == 404
        assert client.get(reverse("agency_queue")).status_code == 404
        assert client.post(reverse("task_claim", args=[task.pk])).status_code == 404
        api = _api(user)
        assert api.get("/api/v1/tasks/").json()["results"] == []
        assert api.post(f"/api/v1/tasks/{task.pk}/claim/").status_code == 404
        complete = api.post(
            f"/api/v1/tasks/{task.pk}/complete/", {"decision": "accept"}, format="json"
        )
        assert complete.status_code == 404
    task.task.refresh_from_db()
    assert task.task.owner_id is None


# --- task forwarding by a non-holder -----------------------------------------------------


def test_forwarding_a_complaint_needs_the_holder(staff, offices):
    other = make_user("backoffice2", Role.BACK_OFFICE, "19.04", office=offices["slrt"])
    case = intake(
        staff["petugas"], kind="complaint", description="Sembako.", requested_services=[]
    ).case
    handling = open_task(case, "handling")
    wf.claim_task(actor=staff["backoffice"], task_id=handling.pk)
    with pytest.raises(TaskTaken):
        wf.complete_handling(
            actor=other, task_id=handling.pk, note="Diteruskan.", forward_to_agency="dinsos-bateng"
        )
    handling.refresh_from_db()
    handling.task.refresh_from_db()
    assert handling.agency_id is None
    assert handling.task.owner == staff["backoffice"]
    assert Case.objects.get(pk=case.pk).forwarded_agency_id is None


# --- letters and documents after revoke and after end --------------------------------------


def _ktp(case, user) -> Attachment:
    from agencies.models import DocumentType

    return Attachment.objects.create(
        case=case,
        kind="other",
        document_type=DocumentType.objects.get(code="ktp"),
        file=f"attachments/{case.pk}/ktp.pdf",
        uploaded_by=user,
    )


def test_revoked_referral_leaves_the_agency_no_page_letter_or_document(client, staff, case):
    referral = Referral.objects.get(case=case)
    document = _ktp(case, staff["petugas"])
    client.force_login(staff["dinkes"])
    assert client.get(reverse("referral_letter", args=[referral.pk])).status_code == 200
    wf.revoke_referral(actor=staff["backoffice"], referral_id=referral.pk, reason="Salah instansi.")
    for url in (
        reverse("referral_detail", args=[referral.pk]),
        reverse("referral_letter", args=[referral.pk]),
        reverse("attachment_download", args=[document.pk]),
        reverse("case_detail", args=[case.number]),
    ):
        assert client.get(url).status_code == 404, url
    assert _api(staff["dinkes"]).get(f"/api/v1/cases/{case.number}/").status_code == 404


def test_ended_referral_stays_readable_for_the_agency(client, staff, case):
    referral = Referral.objects.get(case=case)
    wf.review_referral(
        actor=staff["dinkes"],
        task_id=open_task(case, "referral_review").pk,
        decision="reject",
        reason="Sudah terdaftar PBI.",
    )
    client.force_login(staff["dinkes"])
    assert client.get(reverse("referral_detail", args=[referral.pk])).status_code == 200
    assert client.get(reverse("referral_letter", args=[referral.pk])).status_code == 200
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 200


# --- the reassign form names no stranger ---------------------------------------------------


def test_reassign_to_a_stranger_names_no_one(client, staff, case):
    task = open_task(case, "referral_review")
    stranger = get_user_model().objects.create_user(
        "nurul", first_name="Nurul", last_name="Hidayah"
    )
    client.force_login(staff["manajer"])
    answers = []
    for chosen in (stranger.pk, staff["petugas_bks"].pk, 987_654, "x"):
        response = client.post(
            reverse("task_assign", args=[task.pk]), {"assignee": chosen}, follow=True
        )
        body = response.content.decode()
        assert "Nurul" not in body and "petugas.bks" not in body
        answers.append([str(m) for m in response.context["messages"]])
    assert all(answer == answers[0] for answer in answers)
    task.task.refresh_from_db()
    assert task.task.owner_id is None


def test_reassign_to_an_offered_officer_works(client, staff, case):
    task = open_task(case, "referral_review")
    client.force_login(staff["manajer"])
    client.post(reverse("task_assign", args=[task.pk]), {"assignee": staff["kadinkes"].pk})
    task.task.refresh_from_db()
    assert task.task.owner == staff["kadinkes"]


# --- one definition, read once, the same 404 ---------------------------------------------


def _membership_queries(queries) -> int:
    return sum('"agencies_membership"' in q["sql"] and "FROM" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    "username, url_name",
    [
        ("backoffice", "case_detail"),
        ("backoffice", "home"),
        ("backoffice", "inbox"),
        ("manajer", "dashboard"),
        ("dinkes", "agency_queue"),
    ],
)
def test_memberships_are_read_once_per_request(client, staff, case, username, url_name):
    client.force_login(staff[username])
    url = reverse(url_name, args=[case.number]) if url_name == "case_detail" else reverse(url_name)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "agencies_membership"' in q["sql"]
        and '"agencies_membership"."user_id" = ' in q["sql"]
    ]
    assert len(reads) == 1, reads


def _answer(client, method: str, url: str, object_id: int) -> tuple[int, bytes, list[str]]:
    """What a request tells its sender: status, body (CSRF tokens and the object's own id
    blanked) and the lookups it ran (session writes aside), to compare two requests."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url)
    lookups = [
        q["sql"].split(" WHERE ")[0]
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    body = re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", response.content)  # masked per render
    body = body.replace(f"/{object_id}/".encode(), b"/<id>/")
    return response.status_code, body, lookups


def test_out_of_scope_task_takes_the_same_path_as_a_missing_one(client, staff):
    """Same status, same body, same queries: neither the answer nor its timing tells."""
    bks_case = intake(
        staff["petugas_bks"], applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)
    ).case
    hidden = open_task(bks_case, "verification").pk
    missing = WorkItem.objects.order_by("-pk").first().pk + 1000
    client.force_login(staff["petugas"])
    hidden_answer, missing_answer = (
        _answer(client, "post", reverse("task_claim", args=[task_id]), task_id)
        for task_id in (hidden, missing)
    )
    assert hidden_answer == missing_answer
    assert hidden_answer[0] == 404


def test_person_pages_of_another_regency_are_404(client, staff):
    bks = intake(
        staff["petugas_bks"], applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)
    ).case.beneficiary
    client.force_login(staff["manajer"])
    assert client.get(reverse("person_detail", args=[bks.pk])).status_code == 404
    assert (
        client.get(reverse("person_detail", args=[Person.objects.order_by("-pk")[0].pk + 99]))
    ).status_code == 404


def test_nik_lookup_of_another_regency_tells_only_registered_elsewhere(client, staff):
    intake(
        staff["petugas_bks"],
        applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS, full_name="Rahmat"),
    )
    client.force_login(staff["petugas"])
    body = client.post(
        reverse("intake_nik_lookup"),
        {"prefix": "applicant", "applicant-nik": "1403011208850009"},
    ).content.decode()
    assert "terdaftar di luar wilayah kerja Anda" in body
    assert "Rahmat" not in body and "Bengkalis" not in body


def test_case_team_definition_is_the_same_for_list_and_whole_case(staff, case):
    """Every case a user lists as a team member is one they see whole, and the reverse."""
    bks_case = intake(
        staff["petugas_bks"], applicant=person(nik="1403011208850009", region_code=KOTA_BENGKALIS)
    ).case
    for user in staff.values():
        for each in (case, bks_case):
            listed = cases_visible_to(user).filter(pk=each.pk).exists()
            whole = sees_whole_case(user, each)
            assert not whole or listed, (user, each)
    assert timezone.now() - case.opened_at < dt.timedelta(hours=1)


def test_a_file_the_agency_may_not_open_answers_like_a_missing_one(client, staff, case):
    from agencies.models import DocumentType

    note_file = Attachment.objects.create(
        case=case,
        kind="other",
        document_type=DocumentType.objects.exclude(services__code="pbi-jk").first(),
        file=f"attachments/{case.pk}/other.pdf",
        uploaded_by=staff["petugas"],
    )
    missing = note_file.pk + 1000
    client.force_login(staff["dinkes"])
    hidden_answer, missing_answer = (
        _answer(client, "get", reverse("attachment_download", args=[pk]), pk)
        for pk in (note_file.pk, missing)
    )
    assert hidden_answer == missing_answer
    assert hidden_answer[0] == 404


def test_someone_outside_the_queue_is_not_told_who_holds_a_task(staff, case):
    """Agency staff see the case, but the case team's follow-up is not theirs: they are
    refused for the queue, without the holder's name."""
    from core.errors import NotAllowed

    item = open_task(case, "referral_review")
    wf.claim_task(actor=staff["dinkes"], task_id=item.pk)
    with pytest.raises(NotAllowed) as refused:
        wf.claim_task(actor=staff["backoffice"], task_id=item.pk)
    assert "dinkes" not in refused.value.message
    with pytest.raises(TaskTaken):
        wf.claim_task(actor=staff["kadinkes"], task_id=item.pk)
