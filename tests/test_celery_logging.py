"""A Celery worker logs through the project's masking handlers, not Celery's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import logging
import django
django.setup()
from celery.signals import setup_logging
import config.celery
assert setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)
logging.getLogger("celery.worker").warning("periodic job for NIK 1904011208850001 done")
"""


def test_a_celery_worker_masks_a_nik_in_its_log():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "periodic job for NIK" in done.stderr
    assert "1904011208850001" not in done.stderr
