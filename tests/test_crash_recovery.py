"""Faults survived (issue 11): a worker killed mid-request, the database restarted under load.

The app runs as in production: gunicorn with ``config/gunicorn.conf.py`` (two sync workers)
on the test's PostgreSQL database. Client threads drive it over HTTP as the field and the
desk do: social workers claim and complete home-visit tasks, an intake officer registers
new families; every write carries an Idempotency-Key and is sent again with the same key
when its connection drops or the answer says to retry (409 lock conflict, 503). Meanwhile
the workers are killed with SIGKILL one after another (first test), or the database server
is restarted (second test). Afterwards the database is read directly:

- every case's viewflow process, work items, stage, home visits and history agree; no task
  is both done and open; no case has two open tasks of one kind; an open case has a task;
- every request that answered 2xx is in the database, and every write was answered 2xx in
  the end (a retry with the key gets the first answer); no family was registered twice;
- no request answered 500 (while the database is away, requests answer 503).

Each test prints its figures: requests sent, requests cut off, acknowledged writes and found.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from viewflow.workflow.status import STATUS

from agencies.models import Role
from cases.models import Case, CaseStatus, HomeVisit, Person
from tests.conftest import NIBUNG, api_token, intake, make_user, open_task, person
from tests.processes import ROOT, Program, executable, url_of_test_database
from workflows.hooks import REFERRAL_KINDS, STAGE_BY_KIND
from workflows.models import OPEN_TASK_STATUSES, TaskKind, WorkItem

CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
N_CLIENTS = 4  # social workers, each completing home visits
VISITS_PER_CLIENT = 6
INTAKES = 8  # new families registered over the API meanwhile
ATTEMPTS = 12  # sends of one request (the first and its retries)
TIMEOUT = 60  # seconds per request
BOOT_TIMEOUT = 60  # seconds for gunicorn to answer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: gunicorn's workers are other processes and must see the "
        "committed test data (runs in the PostgreSQL pass of make test)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("flushable_audit_tables"),
]


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn(Program):
    """``gunicorn -c config/gunicorn.conf.py config.wsgi`` on the test database."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [executable("gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
            env={
                "DATABASE_URL": url_of_test_database(),
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": "2",
                "LOG_LEVEL": "warning",
                "DEBUG": "false",
                "BACKGROUND_ENGINE": "none",
                "DJANGO_SETTINGS_MODULE": "config.settings",
            },
            prefix="simpul-gunicorn-",
        )

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited ({self.process.returncode}):\n{self.output()}")
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/", timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # any answer means a worker serves
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer in {BOOT_TIMEOUT} s:\n{self.output()}")

    def workers(self) -> list[int]:
        """The worker processes' ids (the master's children)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.fixture
def server():
    gunicorn = Gunicorn()
    try:
        gunicorn.wait_until_serving()
        yield gunicorn
    finally:
        gunicorn.stop()


# --- the clients ----------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    cut: int = 0  # sent, and the connection dropped before any answer
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    visits: dict[int, str] = field(default_factory=dict)  # acknowledged: task id -> findings
    intakes: dict[str, str] = field(default_factory=dict)  # acknowledged: NIK -> case number
    unanswered: list[str] = field(default_factory=list)  # writes never answered 2xx
    sent_at: list[float] = field(default_factory=list)  # time.monotonic() of each send

    def note(self, status: int | None, body, started: float) -> None:
        with self.lock:
            self.sent += 1
            self.sent_at.append(started)
            if status is None:
                self.cut += 1
                return
            self.statuses[status] += 1
            if status >= 500 and status != 503:
                self.server_errors.append(f"{status}: {str(body)[:300]}")


def _send(url: str, token: str, body: dict | None, key: str | None):
    """POST ``body``; (status, JSON or text), or (None, reason) when the connection dropped."""
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        url, data=json.dumps(body or {}).encode(), method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (http.client.HTTPException, ConnectionError, urllib.error.URLError) as error:
        return None, repr(error)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw[:300].decode(errors="replace")


def send_until_answered(tally: Tally, url: str, token: str, body: dict | None = None):
    """Send one write as a phone on a bad connection does: again, with the same
    Idempotency-Key, while the connection drops or the answer asks to retry."""
    key = str(uuid.uuid4())
    status, answer = None, None
    for _attempt in range(ATTEMPTS):
        started = time.monotonic()
        status, answer = _send(url, token, body, key)
        tally.note(status, answer, started)
        if status is not None and status not in (409, 503):
            return status, answer
        if status == 409 and "code" not in (answer if isinstance(answer, dict) else {}):
            return status, answer  # a conflict in the data, not a lock: retrying won't help
        time.sleep(0.3)
    return status, answer


def _nik(serial: int) -> str:
    """A Koba NIK of a man born 12-08-1985 (``tests.conftest.NIK_MALE`` is serial 1)."""
    return f"190401120885{serial:04d}"


def _intake_body(serial: int) -> dict:
    return {
        "kind": "service_request",
        "channel": "walk_in",
        "ppks_category": "fakir-miskin",
        "description": "KIS PBI dinonaktifkan, perlu berobat.",
        "requested_services": ["pbi-jk"],
        "applicant": {
            "full_name": f"Budi Santoso {serial}",
            "nik": _nik(serial),
            "birth_place": "Koba",
            "birth_date": "1985-08-12",
            "sex": "M",
            "phone": "081234567890",
            "address": {"region_code": NIBUNG, "rt": "002", "rw": "001", "street": "Jl. Koba"},
        },
        # "Budi Santoso 1", "Budi Santoso 2"... look alike on purpose: the officer confirmed.
        "confirm_new_person": True,
    }


@pytest.fixture
def workload(staff, offices):
    """Tokens and the verification tasks each social worker will complete, committed."""
    workers = [staff["peksos"], staff["peksos2"]] + [
        make_user(f"peksos{i}", Role.SOCIAL_WORKER, "19.04", office=offices["slrt"])
        for i in range(3, N_CLIENTS + 1)
    ]
    tasks = [
        [
            open_task(
                intake(
                    staff["petugas"],
                    applicant=person(nik=_nik(100 + c * 10 + i), full_name=f"Warga {c} {i}"),
                ).case,
                TaskKind.VERIFICATION,
            ).pk
            for i in range(VISITS_PER_CLIENT)
        ]
        for c in range(N_CLIENTS)
    ]
    return {
        "visitors": [
            (api_token(user), task_ids) for user, task_ids in zip(workers, tasks, strict=True)
        ],
        "desk": api_token(staff["petugas"]),
    }


def run_clients(base: str, workload, tally: Tally, *, pace: float = 0.0) -> None:
    """The social workers' threads and the desk's thread, until all have had their answers."""

    def visitor(token: str, task_ids: list[int]) -> None:
        for task_id in task_ids:
            send_until_answered(tally, f"{base}/api/v1/tasks/{task_id}/claim/", token)
            findings = f"Kunjungan {task_id}: rumah papan, atap bocor."
            status, answer = send_until_answered(
                tally,
                f"{base}/api/v1/tasks/{task_id}/complete/",
                token,
                {
                    "visited_at": timezone.now().isoformat(),
                    "findings": findings,
                    "recommendation": "eligible",
                },
            )
            with tally.lock:
                if status is not None and 200 <= status < 300:
                    tally.visits[task_id] = findings
                else:
                    tally.unanswered.append(f"visit {task_id}: {status} {answer}")
            time.sleep(pace)

    def desk(token: str) -> None:
        for serial in range(500, 500 + INTAKES):
            status, answer = send_until_answered(
                tally, f"{base}/api/v1/cases/", token, _intake_body(serial)
            )
            with tally.lock:
                if status == 201:
                    tally.intakes[_nik(serial)] = answer["number"]
                else:
                    tally.unanswered.append(f"intake {serial}: {status} {answer}")
            time.sleep(pace)

    threads = [
        threading.Thread(target=visitor, args=(token, ids), daemon=True)
        for token, ids in workload["visitors"]
    ] + [threading.Thread(target=desk, args=(workload["desk"],), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a client thread hung"


# --- the invariants -------------------------------------------------------------------------


def assert_consistent(tally: Tally) -> tuple[int, int]:
    """Check the invariants of the module docstring; (visits found, intakes found)."""
    for case in Case.objects.select_related("process"):
        label = case.number
        items = list(WorkItem.objects.filter(case=case).select_related("task"))
        open_items = [item for item in items if item.task.status in OPEN_TASK_STATUSES]
        human_tasks = set(
            case.process.task_set.filter(flow_task_type="HUMAN").values_list("pk", flat=True)
        )
        assert human_tasks <= {item.pk for item in items}, f"{label}: a task without work item"
        for item in items:
            finished = item.task.finished is not None
            assert finished == (item.task.status == STATUS.DONE) or (
                item.task.status == STATUS.CANCELED
            ), f"{label}: task {item.pk} is {item.task.status} but finished={finished}"
        kinds = Counter((item.kind, item.referral_id) for item in open_items)
        assert all(n == 1 for n in kinds.values()), f"{label}: two open tasks of a kind {kinds}"
        if case.status == CaseStatus.OPEN:
            assert open_items, f"{label}: open, with no open task"
            assert case.process.status != STATUS.DONE, f"{label}: open, its process done"
            case_items = [item for item in open_items if item.kind not in REFERRAL_KINDS]
            if case_items:
                assert case.stage == STAGE_BY_KIND[case_items[0].kind], label
        else:
            assert not open_items, f"{label}: closed, with open tasks"
        done_visits = sum(
            1 for item in items if item.kind == TaskKind.VERIFICATION and item.task.finished
        )
        visits = list(HomeVisit.objects.filter(case=case))
        assert len(visits) == done_visits, f"{label}: {len(visits)} visits, {done_visits} done"
        for visit in visits:
            assert visit.history.filter(history_type="+").count() == 1, label
        latest = case.history.order_by("-history_date", "-history_id").first()
        assert (latest.stage, latest.status) == (case.stage, case.status), label

    found_visits = 0
    for task_id, findings in tally.visits.items():
        item = WorkItem.objects.select_related("task").get(pk=task_id)
        assert item.task.status == STATUS.DONE, f"acknowledged visit {task_id} not done"
        assert HomeVisit.objects.filter(case_id=item.case_id, findings=findings).count() == 1
        found_visits += 1
    found_intakes = 0
    for nik, number in tally.intakes.items():
        assert Person.objects.by_nik(nik).count() == 1, "a retried intake registered twice"
        assert Case.objects.filter(number=number, applicant__in=Person.objects.by_nik(nik))
        found_intakes += 1
    return found_visits, found_intakes


def report(capsys, title: str, tally: Tally, found: tuple[int, int], **extra) -> None:
    with capsys.disabled():
        figures = ", ".join(f"{k} {v}" for k, v in extra.items())
        print(
            f"\n[{title}] {tally.sent} requests sent, {tally.cut} cut off, {figures}; "
            f"answers {dict(sorted(tally.statuses.items()))}; acknowledged writes: "
            f"{len(tally.visits)} visits and {len(tally.intakes)} intakes, found "
            f"{found[0]} and {found[1]}; server errors {len(tally.server_errors)}"
        )


def assert_all_answered(tally: Tally) -> None:
    assert not tally.server_errors, tally.server_errors
    assert not tally.unanswered, tally.unanswered
    assert len(tally.visits) == N_CLIENTS * VISITS_PER_CLIENT
    assert len(tally.intakes) == INTAKES


# --- the tests ------------------------------------------------------------------------------


def test_workers_killed_mid_request_lose_nothing_acknowledged(server, workload, capsys):
    tally = Tally()
    done = threading.Event()
    kills: list[int] = []
    rng = random.Random(20261130)

    def killer() -> None:
        # Busy workers (four clients, two workers) are killed one after another; the master
        # starts a new one each time.
        while not done.wait(rng.uniform(0.4, 0.9)):
            workers = server.workers()
            if len(workers) < 2:
                continue  # a new worker is still starting
            victim = rng.choice(workers)
            try:
                os.kill(victim, signal.SIGKILL)
                kills.append(victim)
            except ProcessLookupError:
                pass

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        run_clients(server.url, workload, tally)
    finally:
        done.set()
        thread.join(timeout=10)

    found = assert_consistent(tally)
    report(capsys, "crash mid-request", tally, found, **{"workers killed": len(kills)})
    assert kills, "no worker was killed: the test proved nothing"
    assert tally.cut, "no request was cut off by a kill: the test proved nothing"
    assert_all_answered(tally)


def _restart_database() -> str:
    """Restart the PostgreSQL server of this run (``scripts/postgres.sh restart``)."""
    done = subprocess.run(
        ["bash", "scripts/postgres.sh", "restart"], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        message = f"cannot restart the test database: {done.stderr.strip()[-300:]}"
        if CI:
            pytest.fail(f"{message}; CI=true requires the restart test to run")
        pytest.skip(message)
    return done.stdout.strip()


def test_database_restarted_under_load_loses_nothing_and_serves_again(server, workload, capsys):
    settings = connection.settings_dict
    tally = Tally()
    restarted = threading.Event()
    outcome: dict[str, object] = {}

    def restarter() -> None:
        while tally.sent < 16:  # writers are under way
            time.sleep(0.05)
        outcome["from"] = time.monotonic()
        try:
            outcome["url"] = _restart_database()
        except BaseException as error:  # noqa: BLE001 (reported in the test's thread)
            outcome["error"] = error
        outcome["to"] = time.monotonic()
        restarted.set()

    thread = threading.Thread(target=restarter, daemon=True)
    thread.start()
    # Paced, so that writes are still being sent while the server restarts.
    run_clients(server.url, workload, tally, pace=0.1)
    thread.join(timeout=120)
    if isinstance(outcome.get("error"), BaseException):
        raise outcome["error"]
    assert restarted.is_set()
    assert f":{settings['PORT']}/" in str(outcome["url"]), "restarted another server"
    connection.close()  # the test's own connection did not survive the restart either

    # Served again, by every worker, without a manual step.
    for _ in range(6):
        with urllib.request.urlopen(
            urllib.request.Request(
                f"{server.url}/api/v1/cases/",
                headers={"Authorization": f"Token {workload['desk']}"},
            ),
            timeout=TIMEOUT,
        ) as response:
            assert response.status == 200

    during = sum(1 for at in tally.sent_at if outcome["from"] <= at <= outcome["to"])
    found = assert_consistent(tally)
    figures = {"sent during the restart": during, "503 answers": tally.statuses[503]}
    report(capsys, "database restart", tally, found, **figures)
    assert during, "no request was sent while the database restarted: the test proved nothing"
    assert_all_answered(tally)
    assert Case.objects.filter(opened_at__gte=timezone.now() - dt.timedelta(hours=1)).exists()
