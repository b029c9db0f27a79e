"""Celery tasks (``BACKGROUND_ENGINE=celery``); the work itself lives in ``background``."""

from __future__ import annotations

from celery import shared_task

from .background import run_periodic_jobs as run


@shared_task(name="workflows.tasks.run_periodic_jobs", ignore_result=False)
def run_periodic_jobs() -> dict[str, int]:
    """Notices, escalations, e-mails, purges; safe to run twice at once (compare-and-set)."""
    return run()
