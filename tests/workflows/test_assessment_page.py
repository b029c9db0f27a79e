"""The back office's assessment: routing suggestions on the form, several referrals at once."""

from django.urls import reverse

from referrals.models import Referral
from tests.conftest import intake, open_task
from tests.workflows.test_case_flow import verify


def test_assessment_form_names_the_agency_each_service_goes_to(client, staff):
    case = intake(staff["petugas"], requested_services=["pbi-jk", "pkh"]).case
    verify(staff, case)
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "PBI-JK / KIS (jaminan kesehatan bersubsidi) → Dinas Kesehatan Bangka Tengah" in body
    assert "PKH (Program Keluarga Harapan) → Dinas Sosial Bangka Tengah" in body
    # The services the citizen asked for are ticked already.
    task = open_task(case, "assessment")
    assert f'value="pbi-jk" class="form-check-input" id="id_t{task.pk}-services_' in body
    assert body.count("checked") >= 3  # two services and the "refer" decision


def test_back_office_refers_to_several_agencies_in_one_go(client, staff):
    case = intake(staff["petugas"], requested_services=["pbi-jk", "pkh"]).case
    verify(staff, case)
    task = open_task(case, "assessment")
    client.force_login(staff["backoffice"])
    client.post(reverse("task_claim", args=[task.pk]))
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {
            f"t{task.pk}-resolution": "refer",
            f"t{task.pk}-services": ["pbi-jk", "pkh"],
            f"t{task.pk}-note": "Keluarga layak, anak sakit.",
        },
    )
    assert response.status_code == 302
    agencies = sorted(Referral.objects.filter(case=case).values_list("agency__code", flat=True))
    assert agencies == ["dinkes-bateng", "dinsos-bateng"]
