"""The production engine end to end: a real Celery worker process on Redis and PostgreSQL.

A referral review goes overdue past its escalation period; the periodic job is sent twice
through the broker to a worker started here. The first run sends the overdue notices and
the escalation, the second adds nothing.

Needs PostgreSQL (the worker is another process and reads the committed test data from the
same test database) and ``TEST_REDIS_URL`` (``scripts/test.sh`` starts a throwaway Redis
for the PostgreSQL pass). Without Redis the test skips, except under ``CI=true``.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from django.db import connection
from django.utils import timezone

from referrals.models import Referral
from tests.conftest import intake, open_task
from tests.processes import Program, executable, url_of_test_database
from workflows import selectors, tasks
from workflows import services as wf
from workflows.models import Notification, WorkItem

TASK_NAME = "workflows.tasks.run_periodic_jobs"
RESULT_TIMEOUT = 60  # seconds for one run, worker start-up included
CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the Celery worker is another process and must see the "
        "committed test data (runs in the PostgreSQL pass of make test)",
    ),
]


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        message = "TEST_REDIS_URL is not set (scripts/test.sh starts Redis via scripts/redis.sh)"
        if CI:
            pytest.fail(f"{message}; CI=true requires the Celery test to run")
        pytest.skip(message)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"TEST_REDIS_URL={url} does not answer: {exc}")
    return url


class Worker(Program):
    """``celery -A config worker`` in its own process group, on a queue of its own."""

    def __init__(self, *, database_url: str, redis_url: str, queue: str):
        super().__init__(
            [
                executable("celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-l",
                "warning",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env={
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "BACKGROUND_ENGINE": "celery",
                "DJANGO_SETTINGS_MODULE": "config.settings",
            },
            prefix="simpul-celery-worker-",
        )

    def wait_for(self, result, timeout: float = RESULT_TIMEOUT):
        """The task's return value; fails fast with the worker's log if the worker died."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the Celery worker exited ({self.process.returncode}):\n{self.output()}"
                )
            try:
                return result.get(timeout=1, propagate=True)
            except CeleryTimeout:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no result from the worker in {timeout} s:\n{self.output()}")


def _overdue_referral_review(staff) -> WorkItem:
    """A case referred to Dinkes whose review task is long past due and its escalation."""
    case = intake(staff["petugas"]).case
    task = open_task(case, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    wf.complete_verification(
        actor=staff["peksos"],
        task_id=task.pk,
        visited_at=timezone.now(),
        findings="Rumah papan, atap bocor.",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "pbi-jk"}],
    )
    review = open_task(case, "referral_review")
    # The worker reads its own clock: put the deadline far enough back that the escalation
    # period (a few working days after it) is long over too.
    long_ago = timezone.now() - dt.timedelta(days=60)
    WorkItem.objects.filter(pk=review.pk).update(
        due_at=long_ago, at_risk_at=long_ago - dt.timedelta(days=1)
    )
    Referral.objects.filter(pk=review.referral_id).update(
        due_at=long_ago, at_risk_at=long_ago - dt.timedelta(days=1)
    )
    review.refresh_from_db()
    assert review.escalation_step == 0
    assert review.agency.code == "dinkes-bateng"
    return review


# serialized_rollback: a transactional test ends with a flush, which would take the seeded
# catalogues (services, deadline rules) away from the tests after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overdue_referral_escalates_once_through_a_real_celery_worker(redis_url, staff):
    review = _overdue_referral_review(staff)
    expected_overdue = {u.username for u in selectors.queue_members(review)} | {
        u.username for u in selectors.supervisors_of(review.region_id)
    }
    expected_heads = {u.username for u in selectors.agency_heads(review.agency_id)}
    assert expected_heads == {"kadinkes"}
    assert {"dinkes", "manajer"} <= expected_overdue

    queue = f"simpul-test-{uuid.uuid4().hex[:12]}"
    # A client app on the test broker; it gets the same shared task as config.celery_app.
    client = Celery("simpul-test-client", set_as_current=False)
    client.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_default_queue=queue,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        redis_socket_connect_timeout=5,
        redis_socket_timeout=30,
    )
    assert tasks.run_periodic_jobs.name == TASK_NAME
    job = client.tasks[TASK_NAME]
    worker = Worker(database_url=url_of_test_database(), redis_url=redis_url, queue=queue)
    try:
        first = worker.wait_for(job.delay())
        second = worker.wait_for(job.delay())
    finally:
        worker.stop()
        client.close()

    assert first["overdue_notices"] == 1, first
    assert first["escalations"] == 1, first
    assert (second["overdue_notices"], second["escalations"]) == (0, 0), second

    review.refresh_from_db()
    assert review.escalation_step == 2
    notices = Notification.objects.filter(work_item=review)
    overdue = list(notices.filter(kind="overdue").values_list("recipient__username", flat=True))
    escalation = list(
        notices.filter(kind="escalation").values_list("recipient__username", flat=True)
    )
    # One notice per recipient, each step once: the second run added nothing.
    assert sorted(overdue) == sorted(expected_overdue)
    assert sorted(escalation) == sorted(expected_heads)
    assert notices.count() == len(expected_overdue) + len(expected_heads)
