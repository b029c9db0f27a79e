"""Running the app's own programs (a Celery worker, gunicorn) beside a test.

Such a process is another database client: it sees the test's data only once committed, so
these tests run on PostgreSQL with ``django_db(transaction=True)``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def url_of_test_database() -> str:
    """A DATABASE_URL for the test database this test runs on (not the configured one)."""
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = quote(str(s.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


def executable(name: str) -> str:
    """The virtualenv's ``name`` script (celery, gunicorn)."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else str(ROOT / ".venv" / "bin" / name)


class Program:
    """A command started in its own process group, its output kept in a temporary file."""

    def __init__(self, argv: list[str], *, env: dict[str, str], prefix: str):
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop())
            prefix=prefix, suffix=".log", delete=False
        )
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends it and its children
        )

    def output(self, tail: int = 4000) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-tail:]

    def stop(self) -> None:
        """SIGTERM to the group, SIGKILL after a grace period; the log file is removed."""
        try:
            if self.process.poll() is None:
                for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
                    try:
                        os.killpg(self.process.pid, sig)
                    except ProcessLookupError:
                        break
                    try:
                        self.process.wait(timeout=grace)
                        break
                    except subprocess.TimeoutExpired:
                        continue
        finally:
            self.log.close()
            Path(self.log.name).unlink(missing_ok=True)
