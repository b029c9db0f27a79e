"""Rough edges of daily use (issue 13): defaults that fit, words instead of codes and dashes,
an icon for the browser tab."""

from django.contrib.staticfiles import finders
from django.urls import reverse

from agencies.models import Service
from tests.conftest import intake, open_task
from tests.workflows.test_case_flow import accept_and_approve, refer, verify
from workflows import services as wf
from workflows.forms import form_for


def test_the_browser_tab_icon_exists(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")  # collected with the other static files
    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in page


def test_closure_is_preselected_and_event_times_default_to_now(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case, recommendation="not_eligible")
    closure = form_for(open_task(case, "closure"))
    assert closure["decision"].value() == "close"
    assert "Ditentukan dari jalannya kasus" in str(closure["outcome"])
    assert "---------" not in str(closure) and '">—<' not in str(closure)


def test_the_answer_to_a_complaint_goes_back_the_way_it_came(staff):
    case = intake(staff["petugas"], kind="complaint", requested_services=[], channel="phone").case
    wf.complete_handling(
        actor=staff["backoffice"], task_id=open_task(case, "handling").pk, note="Dicek."
    )
    response = form_for(open_task(case, "response"))
    assert response["channel"].value() == "phone"


def test_intake_choices_read_as_words_and_errors_name_no_codes(client, staff):
    client.force_login(staff["petugas"])
    page = client.get(reverse("case_open")).content.decode()
    assert "---------" not in page
    assert "Pilih kategori PPKS" in page and "Pilih jenis kelamin" in page
    response = client.post(
        reverse("case_open"),
        {
            "kind": "service_request",
            "channel": "walk_in",
            "priority": "normal",
            "ppks_category": "fakir-miskin",
            "description": "KIS PBI dinonaktifkan.",
            "beneficiary_is_applicant": "on",
            "applicant-nik": "",
            "applicant-no_nik_reason": "KTP hilang",
            "applicant-full_name": "Budi",
        },
    )
    body = response.content.decode()
    assert "Jenis kelamin wajib dipilih: laki-laki atau perempuan." in body
    assert "M atau F" not in body


def test_the_delivery_channel_starts_as_the_services_usual_one(staff):
    """PBI-JK is a service (the membership is switched on again); the catalogue says so,
    and an administrator may say otherwise."""
    case = intake(staff["petugas"], requested_services=["pbi-jk"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    accept_and_approve(staff, case)
    delivery = form_for(open_task(case, "delivery"))
    assert delivery["channel"].value() == "service"
    Service.objects.filter(code="pbi-jk").update(delivery_channel="cash")
    assert form_for(open_task(case, "delivery"))["channel"].value() == "cash"


def test_required_choices_are_marked_like_required_text_fields(client, staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    client.force_login(staff["peksos"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    form = page.split(f'data-draft="task-{task.pk}"', 1)[1].split("</form>", 1)[0]
    required = '<span aria-hidden="true" class="text-danger">*</span>'
    assert f"Rekomendasi {required}</legend>" in form  # a radio choice
    assert f"Hasil kunjungan {required}</label>" in form  # a text field
    assert f"Waktu kunjungan {required}" not in form  # optional: defaults to now
