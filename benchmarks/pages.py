"""Response times of the pages officers open all day, on the demo data set.

    make bench                      # or: .venv/bin/python benchmarks/pages.py [--runs N]

Builds a throwaway SQLite database (or uses DATABASE_URL when it is set), migrates, loads the
regions and the demo (about 200 cases), then requests each page ``--runs`` times signed in
as the role that uses it, and prints the median and the slowest time per page. A page whose
median is over its target fails the run (exit status 1). Targets are for one request
served by Django alone on a small office server; they are not unit tests: the suite pins
query counts instead, which do not depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (name, user, path or a callable giving it, target median in milliseconds)
PAGES = [
    ("case list", "petugas", "/", 300),
    ("case list, name search", "backoffice", "/?q=santoso", 300),
    ("inbox", "peksos", "/tugas/", 300),
    ("agency queue", "dinkes", "/antrean/", 300),
    ("dashboard", "manajer", "/dasbor/", 500),
    ("case page", "backoffice", "case", 400),
    ("notifications", "manajer", "/notifikasi/", 200),
    ("API case list", "backoffice", "/api/v1/cases/", 300),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="simpul-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("BACKGROUND_ENGINE", "none")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.models import Case
    from web.demo import load_demo

    setup_test_environment()  # the test client needs it (in-memory e-mail, testserver)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    load_demo()
    case = Case.objects.filter(region__code__startswith="19.04.").order_by("-pk").first()
    print(f"demo: {Case.objects.count()} cases; {options.runs} requests per page\n")

    clients: dict[str, Client] = {}
    failures = 0
    print(f"{'page':<26}{'median ms':>10}{'max ms':>9}{'target':>8}")
    for name, username, path, target in PAGES:
        if username not in clients:
            client = Client()
            client.force_login(_user(username))
            clients[username] = client
        client = clients[username]
        url = f"/kasus/{case.number}/" if path == "case" else path
        client.get(url)  # warm caches and templates
        timings = []
        for _ in range(options.runs):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        median = statistics.median(timings)
        over = median > target
        failures += over
        flag = "  OVER" if over else ""
        print(f"{name:<26}{median:>10.1f}{max(timings):>9.1f}{target:>8}{flag}")
    return 1 if failures else 0


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


if __name__ == "__main__":
    sys.exit(main())
