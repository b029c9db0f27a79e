"""Two social workers act on the same task at the same moment: exactly one wins.

Real concurrency needs committed data seen by two connections: each actor runs in its own
thread with its own connection, released together by a barrier, on both databases (the
SQLite test database is a file, see ``settings.DATABASES``: PostgreSQL's row locks on one,
SQLite's IMMEDIATE write lock on the other). Every scenario is repeated a few rounds.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone, translation
from viewflow.workflow.status import STATUS

from cases.models import HomeVisit
from core.errors import TaskNotOpen, TaskTaken
from tests.conftest import intake, open_task
from workflows import services as wf
from workflows.models import WorkItem

ROUNDS = 5
JOIN_TIMEOUT = 60  # seconds; viewflow's lock gives up after a few seconds of retries
# What a loser is told when the winner still holds the flow's lock (services.claim_task).
BUSY = "pengguna lain (sedang diproses)"

pytestmark = [
    # serialized_rollback: the flush that ends a transactional test would otherwise take the
    # seeded catalogues (services, deadline rules) away from the tests after it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("flushable_audit_tables"),
]


def race(calls: dict[str, Callable[[], Any]]) -> dict[str, tuple[str, Any]]:
    """Run each call in its own thread, all released at once; name -> ("ok"|"error", value)."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results: dict[str, tuple[str, Any]] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            with translation.override("id"):
                connection.ensure_connection()  # connect first, so the start is even
                barrier.wait()
                results[name] = ("ok", call())
        except BaseException as exc:  # reported to the test below
            results[name] = ("error", exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=run, args=(name, call), name=f"race-{name}", daemon=True)
        for name, call in calls.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    assert set(results) == set(calls)
    errors = [v for kind, v in results.values() if kind == "error"]
    unexpected = [e for e in errors if not isinstance(e, TaskTaken | TaskNotOpen)]
    assert not unexpected, "unexpected errors:\n" + "\n".join(
        "".join(traceback.format_exception(e)) for e in unexpected
    )
    return results


def split(results):
    winners = [name for name, (kind, _value) in results.items() if kind == "ok"]
    losers = {name: value for name, (kind, value) in results.items() if kind == "error"}
    return winners, losers


@pytest.fixture
def workers(staff):
    """Two social workers who may both take the verification tasks of Nibung."""
    return {"peksos": staff["peksos"], "peksos2": staff["peksos2"]}


def test_two_workers_claiming_one_task_at_once_exactly_one_gets_it(staff, workers):
    for round_ in range(1, ROUNDS + 1):
        task = open_task(intake(staff["petugas"]).case, "verification")
        results = race(
            {
                name: partial(wf.claim_task, actor=user, task_id=task.pk)
                for name, user in workers.items()
            }
        )
        winners, losers = split(results)
        assert len(winners) == 1, f"round {round_}: {results!r}"
        (winner,) = winners
        (error,) = losers.values()
        assert isinstance(error, TaskTaken), f"round {round_}: {error!r}"
        assert error.holder in (winner, BUSY), f"round {round_}: holder {error.holder!r}"

        item = WorkItem.objects.select_related("task__owner").get(pk=task.pk)
        assert item.task.owner == workers[winner]
        assert item.task.status == STATUS.ASSIGNED


def test_two_workers_completing_one_visit_at_once_record_it_once(staff, workers):
    for round_ in range(1, ROUNDS + 1):
        case = intake(staff["petugas"]).case
        task = open_task(case, "verification")

        results = race(
            {
                name: partial(
                    wf.complete_verification,
                    actor=user,
                    task_id=task.pk,
                    visited_at=timezone.now(),
                    findings=f"Kunjungan oleh {user.username}",
                    recommendation="eligible",
                )
                for name, user in workers.items()
            }
        )
        winners, losers = split(results)
        assert len(winners) == 1, f"round {round_}: {results!r}"
        (winner,) = winners
        (error,) = losers.values()
        if isinstance(error, TaskTaken):
            assert error.holder in (winner, BUSY), f"round {round_}: holder {error.holder!r}"

        # One visit, by the winner; the flow moved on exactly once.
        visits = HomeVisit.objects.filter(case=case)
        assert visits.count() == 1, f"round {round_}"
        assert visits.get().visited_by == workers[winner]
        verification = WorkItem.objects.select_related("task__owner").get(pk=task.pk)
        assert verification.task.status == STATUS.DONE
        assert verification.task.owner == workers[winner]
        assert WorkItem.objects.filter(case=case, kind="assessment").count() == 1
        assert WorkItem.objects.open().filter(case=case, kind="assessment").count() == 1
        assert WorkItem.objects.open().filter(case=case).count() == 1
