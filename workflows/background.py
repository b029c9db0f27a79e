"""Background work behind one small interface, with two engines.

``run_periodic_jobs`` is the work itself: overdue notices, escalations, e-mails, and the purge
of expired idempotency records, API tokens and abandoned pending uploads. Which engine runs
it every minute is a setting, ``BACKGROUND_ENGINE``:

- ``embedded`` (the demo's default): a daemon thread inside the web process; no broker.
- ``celery`` (production): Celery beat schedules ``workflows.tasks.run_periodic_jobs`` on a
  Redis broker and a worker runs it (see README).
- ``none``: nothing runs by itself (tests; or cron calling ``manage.py run_periodic_jobs``
  every minute).

``start_job`` runs one long piece of work away from the request (a registry import, a big
export) on the same engine: a thread of the web process (embedded), a Celery worker
(celery), or at once, before it returns (none: tests and commands). A job whose code lives
in an upper layer (an export reads the pages' selectors) is registered from there with
``register_job`` when its app is ready, so this module never imports upward.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.db import close_old_connections, connections, transaction

from agencies.tokens import tokens_purge_expired
from cases.exports import exports_purge_expired
from cases.idempotency import idempotency_records_purge_expired
from cases.pending_uploads import pending_uploads_purge_expired
from cases.registry_import.services import run_registry_import

from .escalation import check_deadlines
from .notifications import send_pending_emails

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60
JOB_TASK = "workflows.tasks.run_job"

# The jobs ``start_job`` runs, by name (a Celery message names the job, not the function).
# Arguments are ids, never objects: the job reads what it needs when it runs.
JOBS: dict[str, Callable[..., object]] = {
    "registry_import": run_registry_import,
}


def run_periodic_jobs(now=None) -> dict[str, int]:
    report = check_deadlines(now)
    emails = send_pending_emails()
    return {
        "overdue_notices": report.overdue_notices,
        "escalations": report.escalations,
        "emails": emails,
        "idempotency_records_purged": idempotency_records_purge_expired(now),
        "expired_tokens_purged": tokens_purge_expired(now),
        "pending_uploads_purged": pending_uploads_purge_expired(now),
        "exports_expired": exports_purge_expired(now),
    }


def register_job(name: str, job: Callable[..., object]) -> None:
    """Make ``job`` runnable by ``start_job(name, ...)``: called by an upper layer's
    ``AppConfig.ready`` (``web`` registers the export job)."""
    JOBS[name] = job


class EmbeddedScheduler(threading.Thread):
    """Runs the periodic jobs every minute inside the current process."""

    def __init__(self, period: float = PERIOD_SECONDS):
        super().__init__(name="simpul-scheduler", daemon=True)
        self.period = period
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.period):
            try:
                result = run_periodic_jobs()
                if any(result.values()):
                    logger.info("periodic jobs: %s", result)
            except Exception:  # keep the scheduler alive; the next minute retries
                logger.exception("periodic jobs failed")
            finally:
                close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


_scheduler: EmbeddedScheduler | None = None


def start_embedded_scheduler() -> EmbeddedScheduler | None:
    """Start the in-process scheduler once, when the embedded engine is configured."""
    global _scheduler
    if settings.BACKGROUND_ENGINE != "embedded" or _scheduler is not None:
        return _scheduler
    _scheduler = EmbeddedScheduler()
    _scheduler.start()
    return _scheduler


def start_job(name: str, *args: int | str) -> None:
    """Run the job ``name`` (``JOBS``) with ``args`` once the current transaction commits,
    on the configured engine: a daemon thread of this process (embedded), a Celery worker
    (celery), or here and now (none). The job itself records its progress and its outcome
    (a registry import: its state and counts), so a page shows them by reading them."""
    if name not in JOBS:
        raise KeyError(name)
    engine = settings.BACKGROUND_ENGINE
    if engine == "celery":
        transaction.on_commit(lambda: current_app.send_task(JOB_TASK, args=[name, list(args)]))
    elif engine == "embedded":
        thread = threading.Thread(
            target=run_job, args=(name, list(args)), name=f"simpul-job-{name}", daemon=True
        )
        transaction.on_commit(thread.start)
    else:
        transaction.on_commit(lambda: run_job(name, list(args)))


def run_job(name: str, args: list) -> None:
    """Run one job (in a thread or a worker: its database connection is closed after)."""
    try:
        JOBS[name](*args)
    except Exception:  # the job records its own failure; this keeps the thread quiet
        logger.exception("background job %s failed", name)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()  # this thread's own connections
