"""Issue 11, fault 5: an HTML form sent twice (a double tap, a POST re-sent after a dropped
connection) does its work once. Each form carries a one-time token (``cases.form_tokens``);
a repeat is redirected to the first answer's page with "Formulir ini sudah dikirim"."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, HomeVisit, IdempotencyRecord, Note
from tests.cases.test_views import FORM
from tests.conftest import intake, open_task

TOKEN = "0123456789abcdef0123456789abcdef"
ALREADY_SENT = "Formulir ini sudah dikirim."


def token_of(page: str, action: str) -> str:
    """The one-time token of the form posting to ``action`` (a URL, or ``id="…"``)."""
    marker = action if action.startswith("id=") else f'action="{action}"'
    form = re.search(rf"<form[^>]*{re.escape(marker)}[^>]*>.*?</form>", page, re.S)
    found = re.search(r'name="form_token" value="([0-9a-f]{32})"', form.group(0))
    return found.group(1)


def messages_of(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_intake_form_posted_twice_with_the_same_token_opens_one_case(client, staff):
    client.force_login(staff["petugas"])
    page = client.get(reverse("case_open")).content.decode()
    token = token_of(page, 'id="case-open-form"')
    first = client.post(reverse("case_open"), dict(FORM, form_token=token))
    again = client.post(reverse("case_open"), dict(FORM, form_token=token))
    assert first.status_code == again.status_code == 302
    assert Case.objects.count() == 1
    assert again["Location"] == first["Location"]  # the same case page
    assert ALREADY_SENT in messages_of(client, again)


def test_intake_page_renders_a_fresh_token_each_time(client, staff):
    client.force_login(staff["petugas"])
    tokens = {
        re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)
        for page in (client.get(reverse("case_open")).content.decode() for _ in range(2))
    }
    assert len(tokens) == 2


def test_a_new_token_opens_a_new_case(client, staff):
    client.force_login(staff["petugas"])
    client.post(reverse("case_open"), dict(FORM, form_token=TOKEN))
    other = dict(FORM, form_token="f" * 32, description="Permohonan kedua.", confirm_open_case="1")
    assert client.post(reverse("case_open"), other).status_code == 302
    assert Case.objects.count() == 2


def test_an_intake_with_errors_frees_its_token_for_the_corrected_form(client, staff):
    client.force_login(staff["petugas"])
    refused = client.post(reverse("case_open"), dict(FORM, description="", form_token=TOKEN))
    assert refused.status_code == 200 and Case.objects.count() == 0
    # The page comes back with the same token, so the corrected form is the same submission.
    assert f'name="form_token" value="{TOKEN}"' in refused.content.decode()
    assert client.post(reverse("case_open"), dict(FORM, form_token=TOKEN)).status_code == 302
    assert Case.objects.count() == 1


def test_visit_form_posted_twice_records_one_visit(client, staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    client.force_login(staff["peksos"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    claim = token_of(page, reverse("task_claim", args=[task.pk]))
    for _ in range(2):
        client.post(reverse("task_claim", args=[task.pk]), {"form_token": claim})
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    token = token_of(page, reverse("task_complete", args=[task.pk]))
    visit = {
        f"t{task.pk}-visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        f"t{task.pk}-findings": "Rumah papan, atap bocor.",
        f"t{task.pk}-recommendation": "eligible",
        "form_token": token,
    }
    first = client.post(reverse("task_complete", args=[task.pk]), visit)
    again = client.post(reverse("task_complete", args=[task.pk]), visit)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == reverse("case_detail", args=[case.number])
    assert HomeVisit.objects.filter(case=case).count() == 1
    body = messages_of(client, again)
    assert ALREADY_SENT in body and "Tugas sudah" not in body  # no error about the done task


def test_note_form_posted_twice_saves_one_note(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["petugas"])
    data = {"text": "Warga datang lagi membawa SKTM.", "form_token": TOKEN}
    for _ in range(2):
        assert client.post(reverse("case_add_note", args=[case.number]), data).status_code == 302
    assert Note.objects.filter(case=case).count() == 1


def test_one_users_token_does_not_answer_another_users_form(client, staff):
    client.force_login(staff["petugas"])
    client.post(reverse("case_open"), dict(FORM, form_token=TOKEN))
    case = Case.objects.get()
    client.force_login(staff["peksos"])
    client.post(reverse("case_add_note", args=[case.number]), {"text": "A", "form_token": TOKEN})
    assert Note.objects.filter(case=case).count() == 1  # kept per user and form address
    assert IdempotencyRecord.objects.filter(user=staff["peksos"]).count() == 1


def test_every_state_changing_form_on_the_case_page_carries_a_token(client, staff):
    case = intake(staff["petugas"]).case
    client.force_login(staff["manajer"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    task = open_task(case, "verification")
    for action in ("task_assign", "task_waive"):
        assert token_of(page, reverse(action, args=[task.pk]))
    for action in ("case_add_note", "case_add_document"):
        assert token_of(page, reverse(action, args=[case.number]))


@pytest.mark.parametrize("path", ["move_request_new"])
def test_move_request_form_carries_a_token(client, staff, path):
    client.force_login(staff["petugas"])
    assert 'name="form_token"' in client.get(reverse(path)).content.decode()


N = 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_tables")
def test_a_double_tap_sent_at_once_opens_one_case_and_every_tap_lands_on_it(staff):
    """N requests with one token at the same moment (real threads, each with its own
    connection): one does the work, the others wait for it and land on its result."""
    clients = [Client() for _ in range(N)]
    for client in clients:
        client.force_login(staff["petugas"])
    barrier = threading.Barrier(N, timeout=30)
    answers: list[tuple[int, str]] = []

    def tap(client: Client) -> None:
        try:
            barrier.wait()
            response = client.post(reverse("case_open"), dict(FORM, form_token=TOKEN))
            answers.append((response.status_code, response.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    case = Case.objects.get()
    print(f"double tap: {N} requests, {Case.objects.count()} case, answers {answers}")
    assert answers == [(302, reverse("case_detail", args=[case.number]))] * N
