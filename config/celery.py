"""The Celery app for production background work (``BACKGROUND_ENGINE=celery``).

Broker and result backend are ``REDIS_URL``. Beat runs ``workflows.tasks.run_periodic_jobs``
every minute; a worker executes it. Start both with (see README)::

    REDIS_URL=redis://... BACKGROUND_ENGINE=celery celery -A config worker -l info
    REDIS_URL=redis://... BACKGROUND_ENGINE=celery celery -A config beat -l info

Importing this module never connects to anything, so it is harmless without Redis (the demo).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("simpul")
# Every CELERY_* setting in config/settings.py, e.g. CELERY_BROKER_URL -> broker_url.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

PERIOD_SECONDS = 60.0

app.conf.beat_schedule = {
    "workflows-periodic-jobs": {
        "task": "workflows.tasks.run_periodic_jobs",
        "schedule": PERIOD_SECONDS,
        # A run that waited longer than a period is dropped: the next one does the same work.
        "options": {"expires": PERIOD_SECONDS},
    },
}


@celeryd_init.connect
@beat_init.connect
def _require_redis(**kwargs) -> None:
    """A worker or beat without REDIS_URL would sit on an in-memory broker doing nothing.

    SystemExit, not an exception: Celery logs and swallows exceptions raised by receivers.
    """
    from django.conf import settings

    if not settings.REDIS_URL:
        raise SystemExit("REDIS_URL must be set to run a Celery worker or beat (see README).")


@setup_logging.connect
def _use_the_projects_logging(**kwargs) -> None:
    """Workers and beat log through ``settings.LOGGING``, whose every handler masks NIK-like
    numbers (``core.reporting.MaskIdNumbers``). Connecting this signal stops Celery from
    replacing the root handler with its own, unmasked one."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
