"""The back office's assessment: routing suggestions on the form, several referrals at once."""

import pytest
from django.urls import reverse

from agencies.models import Service
from agencies.selectors import suggest_agencies
from core.errors import WorkflowError
from referrals.models import Referral
from tests.conftest import intake, open_task
from tests.workflows.test_case_flow import verify
from workflows import services as wf


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


def _unroutable(case):
    """An active service no agency of the case's regency receives (no rule, no agency of its
    kind), e.g. BLT Dana Desa in the test regency."""
    services = list(Service.objects.filter(is_active=True))
    routes = suggest_agencies(
        services=services, ppks_category=case.ppks_category, region=case.region
    )
    return next(s for s in services if routes.get(s.pk) is None)


def test_a_service_no_agency_receives_is_not_offered_and_errors_name_it(client, staff):
    """Issue 13, fault 8: services nobody can receive."""
    case = intake(staff["petugas"], requested_services=["pbi-jk"]).case
    verify(staff, case)
    stranded = _unroutable(case)
    task = open_task(case, "assessment")
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert f'value="{stranded.code}"' not in body
    assert "Belum ada instansi tujuan untuk:" in body and stranded.name in body

    client.post(reverse("task_claim", args=[task.pk]))
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {f"t{task.pk}-resolution": "refer", f"t{task.pk}-services": [stranded.code]},
    )
    assert response.status_code == 400
    assert f"Layanan {stranded.code} tidak dapat dirujuk" in response.content.decode()

    # The service (and so the API) names the service too.
    with pytest.raises(WorkflowError) as refused:
        wf.complete_assessment(
            actor=staff["backoffice"],
            task_id=task.pk,
            resolution="refer",
            referrals=[{"service": "pbi-jk"}, {"service": stranded.code}],
        )
    [message] = refused.value.field_errors["referrals.1.agency"]
    assert message.startswith(f"{stranded.name}: belum ada instansi tujuan")
    assert not Referral.objects.filter(case=case).exists()
