"""Simultaneous requests on one task through the real HTTP stack: one wins, the rest get 409.

Issue 11, fault 1: on ``make demo`` (SQLite) four simultaneous completions of one task gave
one 200 and three 500s ("database is locked", an HTML debug page on a JSON API). Here N
clients, each with its own API token and thread, post at the same moment to the live server
(its own thread and connection per request), on SQLite and on PostgreSQL. Each scenario runs a
few rounds and prints its figures (races, winners, 409s, server errors).

What still fails after the wait (a writer that cannot get its lock in time) answers 409 too:
JSON on the API, the message on the page (``core.conflicts``).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.status import STATUS

from agencies.models import Role
from cases.models import HomeVisit
from tests.conftest import api_token, intake, make_user, open_task
from workflows.models import WorkItem

N = 4
ROUNDS = 3
TIMEOUT = 60  # seconds per request; a writer waits for SQLite's lock (busy timeout 20 s)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("flushable_audit_tables"),
]


@pytest.fixture
def tokens(staff, offices) -> list[str]:
    """API tokens of N social workers who may all take Nibung's verification tasks."""
    workers = [staff["peksos"], staff["peksos2"]] + [
        make_user(f"peksos{i}", Role.SOCIAL_WORKER, "19.04", office=offices["slrt"])
        for i in range(3, N + 1)
    ]
    return [api_token(user) for user in workers]


def post_at_once(url: str, tokens: list[str], body: dict | None) -> list[tuple[int, dict | str]]:
    """POST ``body`` to ``url`` once per token, all threads released together;
    [(status, JSON body or raw text)]."""
    barrier = threading.Barrier(len(tokens), timeout=30)
    answers: list[tuple[int, dict | str]] = []
    data = json.dumps(body or {}).encode()

    def send(token: str) -> None:
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            answers.append((status, json.loads(raw)))
        except ValueError:
            answers.append((status, raw[:300].decode(errors="replace")))

    threads = [threading.Thread(target=send, args=(t,), daemon=True) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT + 30)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return answers


def assert_one_winner(answers: list[tuple[int, dict | str]], what: str) -> None:
    statuses = sorted(status for status, _body in answers)
    assert len(answers) == N, f"{what}: {answers!r}"
    assert not [s for s in statuses if s >= 500], f"{what}: server errors {answers!r}"
    assert sum(200 <= s < 300 for s in statuses) == 1, f"{what}: {answers!r}"
    losers = [(s, body) for s, body in answers if not 200 <= s < 300]
    assert all(s == 409 for s, _body in losers), f"{what}: {answers!r}"
    assert all(isinstance(body, dict) and body.get("detail") for _s, body in losers), (
        f"{what}: a 409 without a JSON detail {answers!r}"
    )


def report(capsys, what: str, rounds: list[list[tuple[int, dict | str]]]) -> None:
    statuses = [status for answers in rounds for status, _body in answers]
    with capsys.disabled():
        print(
            f"\n[race] {what}: {len(rounds)} races x N={N} requests: "
            f"winners={sum(200 <= s < 300 for s in statuses)} "
            f"409s={statuses.count(409)} 5xx={sum(s >= 500 for s in statuses)}"
        )


def test_four_simultaneous_completions_of_one_task_give_one_200_and_three_409s(
    live_server, staff, tokens, capsys
):
    rounds = []
    for round_ in range(1, ROUNDS + 1):
        case = intake(staff["petugas"]).case
        task = open_task(case, "verification")
        answers = post_at_once(
            f"{live_server.url}/api/v1/tasks/{task.pk}/complete/",
            tokens,
            {
                "visited_at": timezone.now().isoformat(),
                "findings": "Rumah papan, atap bocor, anak demam.",
                "recommendation": "eligible",
            },
        )
        rounds.append(answers)
        assert_one_winner(answers, f"round {round_}")
        # The visit is recorded once and the flow moved on once.
        assert HomeVisit.objects.filter(case=case).count() == 1
        assert WorkItem.objects.get(pk=task.pk).task.status == STATUS.DONE
        assert list(WorkItem.objects.open().filter(case=case).values_list("kind", flat=True)) == [
            "assessment"
        ]
    report(capsys, "complete one verification task", rounds)


def test_four_simultaneous_claims_of_one_task_give_one_200_and_three_409s(
    live_server, staff, tokens, capsys
):
    rounds = []
    for round_ in range(1, ROUNDS + 1):
        task = open_task(intake(staff["petugas"]).case, "verification")
        answers = post_at_once(f"{live_server.url}/api/v1/tasks/{task.pk}/claim/", tokens, None)
        rounds.append(answers)
        assert_one_winner(answers, f"round {round_}")
        item = WorkItem.objects.select_related("task").get(pk=task.pk)
        assert item.task.status == STATUS.ASSIGNED
        assert item.task.owner_id is not None
    report(capsys, "claim one verification task", rounds)


# --- A writer that cannot get its lock in time: 409, never 500 --------------------------------


@contextmanager
def lock_held_elsewhere(task: WorkItem) -> Iterator[None]:
    """Another connection holds a lock the request needs (SQLite: the database's write lock;
    PostgreSQL: the task's row, which the request updates once it holds the flow's lock: a
    wait for the flow's lock itself is viewflow's, answered as the task being taken), and
    this thread's connection gives up waiting after 0.2 s (SQLite's busy timeout;
    PostgreSQL's lock_timeout)."""
    from viewflow.workflow.models import Task

    params = connection.get_connection_params()
    other = connection.get_new_connection(params)
    if connection.vendor == "sqlite":
        other.execute("BEGIN IMMEDIATE")
        options = connection.settings_dict["OPTIONS"]
        timeout = options.get("timeout")
        connection.close()
        options["timeout"] = 0.2
        try:
            yield
        finally:
            options["timeout"] = timeout
            connection.close()
            other.rollback()
            other.close()
        return
    table = connection.ops.quote_name(Task._meta.db_table)
    task_id = WorkItem.objects.values_list("task_id", flat=True).get(pk=task.pk)
    with other.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE", [task_id])
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        other.rollback()
        other.close()


def test_a_claim_that_cannot_get_the_lock_answers_409_json_on_the_api(client, staff):
    task = open_task(intake(staff["petugas"]).case, "verification")
    token = api_token(staff["peksos"])
    with lock_held_elsewhere(task):
        response = client.post(
            f"/api/v1/tasks/{task.pk}/claim/", HTTP_AUTHORIZATION=f"Token {token}"
        )
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "detail": "Data sedang diubah orang lain; coba lagi.",
        "code": "lock_conflict",
    }
    assert WorkItem.objects.get(pk=task.pk).task.owner_id is None  # nothing written
    # Once the other writer is done, the same request succeeds.
    retry = client.post(f"/api/v1/tasks/{task.pk}/claim/", HTTP_AUTHORIZATION=f"Token {token}")
    assert retry.status_code == 200


def test_a_claim_that_cannot_get_the_lock_sends_the_person_back_with_the_message(client, staff):
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    client.force_login(staff["peksos"])
    page = f"/kasus/{case.number}/"
    with lock_held_elsewhere(task):
        response = client.post(f"/tugas/{task.pk}/ambil/", HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{page}"
    shown = client.get(page)
    assert "Data sedang diubah orang lain; coba lagi." in shown.content.decode()
    assert WorkItem.objects.get(pk=task.pk).task.owner_id is None


def test_a_page_that_cannot_get_the_lock_answers_the_409_page(client, staff):
    task = open_task(intake(staff["petugas"]).case, "verification")
    client.force_login(staff["peksos"])
    with lock_held_elsewhere(task):
        response = client.post(f"/tugas/{task.pk}/ambil/")  # no page to go back to
    assert response.status_code == 409
    assert "Data sedang diubah orang lain; coba lagi." in response.content.decode()


def test_a_keyed_claim_that_cannot_get_the_lock_answers_409_and_is_not_replayed(client, staff):
    """With an Idempotency-Key: the conflict is answered 409 (the key's own record waits for
    the lock too) and not kept, so the retry with the same key does the work."""
    task = open_task(intake(staff["petugas"]).case, "verification")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_token(staff['peksos'])}"}
    with lock_held_elsewhere(task):
        response = client.post(
            f"/api/v1/tasks/{task.pk}/claim/", HTTP_IDEMPOTENCY_KEY="claim-1", **auth
        )
    assert response.status_code == 409 and response["Retry-After"] == "1"
    retry = client.post(f"/api/v1/tasks/{task.pk}/claim/", HTTP_IDEMPOTENCY_KEY="claim-1", **auth)
    assert retry.status_code == 200
    assert not retry.has_header("Idempotent-Replayed")
