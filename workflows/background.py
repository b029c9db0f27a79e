"""Background work behind one small interface, with two engines.

``run_periodic_jobs`` is the work itself: overdue notices, escalations, e-mails, and the purge
of expired idempotency records, API tokens and abandoned pending uploads. Which engine runs
it every minute is a setting, ``BACKGROUND_ENGINE``:

- ``embedded`` (the demo's default): a daemon thread inside the web process; no broker.
- ``celery`` (production): Celery beat schedules ``workflows.tasks.run_periodic_jobs`` on a
  Redis broker and a worker runs it (see README).
- ``none``: nothing runs by itself (tests; or cron calling ``manage.py workflow_timers``).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

from agencies.tokens import tokens_purge_expired
from cases.idempotency import idempotency_records_purge_expired
from cases.pending_uploads import pending_uploads_purge_expired

from .escalation import check_deadlines
from .notifications import send_pending_emails

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60


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
    }


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
