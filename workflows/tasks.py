"""Celery tasks (``BACKGROUND_ENGINE=celery``); the work itself lives in ``background``."""

from __future__ import annotations

from celery import shared_task

from .background import run_job as run_one_job
from .background import run_periodic_jobs as run


@shared_task(name="workflows.tasks.run_periodic_jobs", ignore_result=False)
def run_periodic_jobs() -> dict[str, int]:
    """Notices, escalations, e-mails, purges; safe to run twice at once (compare-and-set)."""
    return run()


# A registry import of a large regency runs for minutes, past the periodic jobs' limits
# (CELERY_TASK_SOFT_TIME_LIMIT): its own, an hour.
@shared_task(
    name="workflows.tasks.run_job", ignore_result=True, soft_time_limit=3600, time_limit=3660
)
def run_job(name: str, args: list) -> None:
    """One long job started by ``background.start_job`` (a registry import)."""
    run_one_job(name, args)
