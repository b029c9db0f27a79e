"""Rough edges of daily use (issue 13), as the server renders them: a form's error page names
the case page as its address, a NIK error shows once, "reason without NIK" only with no NIK,
an empty birthplace is not printed as "—,", and 16-digit numbers carry their length hint.
Their behaviour in a browser: tests/browser/test_daily_use.py."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.cases.test_views import FORM
from tests.conftest import NIK_MALE, intake, open_task, person

NIK_15 = NIK_MALE[:15]


def canonical_of(body: str) -> str | None:
    found = re.search(r'<link rel="canonical" href="([^"]*)">', body)
    return found.group(1) if found else None


@pytest.fixture
def case(staff):
    return intake(staff["petugas"]).case


def test_a_task_form_with_errors_names_the_case_page_as_its_address(client, staff, case):
    task = open_task(case, "verification")
    client.force_login(staff["peksos"])
    response = client.post(
        reverse("task_complete", args=[task.pk]),
        {f"t{task.pk}-findings": "", f"t{task.pk}-recommendation": "eligible"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hasil kunjungan wajib diisi." in body  # the errors stay on the page
    assert canonical_of(body) == reverse("case_detail", args=[case.number])


def test_every_case_page_form_with_errors_names_the_case_page(client, staff, case):
    client.force_login(staff["backoffice"])
    response = client.post(reverse("case_add_note", args=[case.number]), {"text": ""})
    assert response.status_code == 400
    assert canonical_of(response.content.decode()) == f"/kasus/{case.number}/"


def test_a_revealed_nik_names_the_case_page_and_puts_no_nik_in_it(client, staff, case):
    client.force_login(staff["backoffice"])
    response = client.post(reverse("case_reveal_nik", args=[case.number]))
    body = response.content.decode()
    assert NIK_MALE in body
    assert canonical_of(body) == f"/kasus/{case.number}/"


def test_intake_errors_name_the_intake_page_and_a_read_page_names_nothing(client, staff):
    client.force_login(staff["petugas"])
    response = client.post(reverse("case_open"), dict(FORM, description=""))
    assert response.status_code == 200
    assert canonical_of(response.content.decode()) == reverse("case_open")
    assert canonical_of(client.get(reverse("case_open")).content.decode()) is None


def test_a_15_digit_nik_at_intake_is_said_once(client, staff):
    client.force_login(staff["petugas"])
    response = client.post(reverse("case_open"), dict(FORM, **{"applicant-nik": NIK_15}))
    body = response.content.decode()
    assert body.count("NIK harus 16 digit (yang diisi 15 digit).") == 1
    assert 'class="form-control form-control-lg is-invalid"' in body  # the field is marked


def test_an_empty_nik_without_a_reason_is_said_once_under_the_field(client, staff):
    client.force_login(staff["petugas"])
    response = client.post(reverse("case_open"), dict(FORM, **{"applicant-nik": ""}))
    body = response.content.decode()
    assert body.count("NIK wajib diisi. Bila belum memiliki NIK, isi alasan tanpa NIK.") == 1


def reason_block(body: str, prefix: str = "applicant") -> str:
    return re.search(rf'<div[^>]*data-show-when-empty="id_{prefix}-nik"[^>]*>', body).group(0)


def test_reason_without_nik_shows_only_while_the_nik_is_empty(client, staff):
    client.force_login(staff["petugas"])
    lookup = reverse("intake_nik_lookup")
    typed = client.post(lookup, {"prefix": "applicant", "applicant-nik": NIK_15}).content
    assert " hidden" in reason_block(typed.decode())
    cleared = client.post(lookup, {"prefix": "applicant", "applicant-nik": ""}).content
    assert " hidden" not in reason_block(cleared.decode())
    assert " hidden" not in reason_block(client.get(reverse("case_open")).content.decode())


def test_an_empty_birthplace_is_not_printed_with_a_comma(client, staff):
    case = intake(staff["petugas"], applicant=person(birth_place="")).case
    client.force_login(staff["backoffice"])
    pages = {
        "case": client.get(reverse("case_detail", args=[case.number])),
        "person": client.get(reverse("person_detail", args=[case.beneficiary.pk])),
        "lookup": client.post(
            reverse("intake_nik_lookup"), {"prefix": "applicant", "applicant-nik": NIK_MALE}
        ),
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert "—," not in body, name
        assert re.search(r"Lahir</dt><dd[^>]*>12 Agu 1985 · Laki-laki</dd>", body), name


def test_birthplace_and_date_are_joined_only_when_both_exist(client, staff, case):
    client.force_login(staff["backoffice"])
    body = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert re.search(r"Lahir</dt><dd[^>]*>Koba, 12 Agu 1985 · Laki-laki</dd>", body)


def test_16_digit_numbers_carry_their_length_hint_in_the_page_language(client, staff):
    client.force_login(staff["petugas"])
    body = client.get(reverse("case_open")).content.decode()
    assert (
        'data-digits="16" data-digits-message="NIK harus 16 digit (yang diisi {count} digit)."'
        in body
    )
    assert 'data-digits-message="Nomor KK harus 16 digit (yang diisi {count} digit)."' in body
    move = client.get(reverse("move_request_new")).content.decode()
    assert 'data-digits-message="NIK harus 16 digit (yang diisi {count} digit)."' in move
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("case_open")).content.decode()
    assert "The NIK must be 16 digits long ({count} entered)." in english


def test_an_error_page_answering_a_post_keeps_the_browsers_address(client, staff, case):
    """A 404 for a task out of scope: its address cannot be read with GET (405)."""
    task = open_task(case, "verification")
    client.force_login(staff["petugas_bks"])
    response = client.post(reverse("task_complete", args=[task.pk]))
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert canonical_of(response.content.decode()) is None
