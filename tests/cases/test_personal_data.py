"""Personal data: access log, full-NIK reveal, data-subject export, sensitive categories."""

import json

from django.urls import reverse

from cases.models import AccessLog
from cases.selectors import cases_visible_to
from tests.conftest import NIK_MALE, intake, open_task
from workflows import services as wf


def test_viewing_a_case_is_logged_with_who_what_and_route(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.case, entry.person, entry.route) == (
        staff["backoffice"],
        "view_case",
        case,
        case.beneficiary,
        "case_detail",
    )


def test_full_nik_only_on_deliberate_reveal_which_is_logged(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["backoffice"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert NIK_MALE not in page and "1904••••••••0001" in page
    revealed = client.post(reverse("case_reveal_nik", args=[case.number])).content.decode()
    assert NIK_MALE in revealed
    assert AccessLog.objects.filter(action="reveal_nik", user=staff["backoffice"]).count() == 1
    # The NIK never travels in a URL: the reveal is a POST to a URL without it.
    assert NIK_MALE not in reverse("case_reveal_nik", args=[case.number])


def test_supervisor_reads_the_access_log_and_exports_a_subject_access_request(client, staff):
    case = intake(staff["petugas"]).case
    person = case.beneficiary
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))

    client.force_login(staff["manajer"])
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "Log akses data pribadi" in page and "backoffice" in page
    response = client.post(reverse("person_export", args=[person.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["person"]["nik"] == NIK_MALE
    assert [c["number"] for c in data["cases"]] == [case.number]
    assert {"backoffice", "manajer"} <= {a["by"] for a in data["accesses"]}
    assert AccessLog.objects.filter(action="export", person=person).exists()


def test_only_supervisors_export_and_others_do_not_see_the_log(client, staff):
    person = intake(staff["petugas"]).case.beneficiary
    client.force_login(staff["backoffice"])
    assert (
        "Log akses" not in client.get(reverse("person_detail", args=[person.pk])).content.decode()
    )
    assert client.post(reverse("person_export", args=[person.pk])).status_code == 403
    client.force_login(staff["petugas_bks"])
    assert client.get(reverse("person_detail", args=[person.pk])).status_code == 404
    assert client.post(reverse("person_export", args=[person.pk])).status_code == 404


def _refer(staff, case, service):
    wf.complete_verification(
        actor=staff["peksos"],
        task_id=open_task(case, "verification").pk,
        visited_at=case.opened_at,
        findings="ok",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": service}],
    )


def test_sensitive_category_is_hidden_from_an_agency_whose_service_does_not_need_it(client, staff):
    case = intake(staff["petugas"], ppks_category="odha").case
    _refer(staff, case, "pbi-jk")
    client.force_login(staff["dinkes"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Orang dengan HIV/AIDS" not in page and "Dirahasiakan" in page
    client.force_login(staff["backoffice"])
    assert (
        "Orang dengan HIV/AIDS"
        in client.get(reverse("case_detail", args=[case.number])).content.decode()
    )


def test_agency_keeps_read_only_access_after_its_referral_ends(client, staff):
    case = intake(staff["petugas"]).case
    _refer(staff, case, "pbi-jk")
    assert staff["dinkes"].has_perm("cases.act_on_case", case)
    wf.review_referral(
        actor=staff["dinkes"],
        task_id=open_task(case, "referral_review").pk,
        decision="reject",
        reason="Bukan kewenangan kami.",
    )
    dinkes = type(staff["dinkes"]).objects.get(pk=staff["dinkes"].pk)  # fresh perm cache
    assert dinkes.has_perm("cases.view_case", case)
    assert not dinkes.has_perm("cases.act_on_case", case)
    assert not dinkes.has_perm("cases.view_case")  # no model-wide permission
    client.force_login(dinkes)
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 200
    # Another agency never referred to sees nothing.
    client.force_login(staff["dinsos"])
    assert client.get(reverse("case_detail", args=[case.number])).status_code == 404
    assert not cases_visible_to(staff["dinsos"]).filter(pk=case.pk).exists()
