"""Time of a 100,000-row DTKS/DTSEN extract import on PostgreSQL: dry run, then commit.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/simpul_registry_bench \\
        .venv/bin/python benchmarks/registry_import.py [--rows 100000] [--limit 300]

The database named in DATABASE_URL is dropped and built afresh (migrate, ``load_regions``),
a back office officer of Bangka Tengah (19.04) is created, and
``scripts/make_registry_extract.py`` writes the extract. The import runs as the web page's
background job runs it (``cases.registry_import.services``). The run fails (exit status 1)
when dry run and commit together take longer than ``--limit`` seconds (issue 14: under 5
minutes on the 2-core office server).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limit", type=float, default=300.0, help="seconds (default 300)")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (it is dropped and rebuilt).")
        return 2
    recreate_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="simpul-import-bench-"))
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("BACKGROUND_ENGINE", "none")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import make_registry_extract
    from django.contrib.auth import get_user_model
    from django.core.files import File
    from django.core.management import call_command

    from agencies.models import Membership, Office, Role
    from cases.models import Family, Person
    from cases.registry_import.services import (
        registry_import_commit,
        registry_import_create,
        run_registry_import,
    )

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    officer = get_user_model().objects.create_user("backoffice.bench", password="x")
    office = Office.objects.create(name="SLRT Bangka Tengah", kind="slrt", area_id="19.04")
    Membership.objects.create(user=officer, role=Role.BACK_OFFICE, area_id="19.04", office=office)
    extract = workdir / "dtks.csv"
    make_registry_extract.main([str(extract), "--rows", str(options.rows)])

    started = time.perf_counter()
    with extract.open("rb") as stream:
        registry_import = registry_import_create(
            actor=officer, kind="extract", file=File(stream), filename=extract.name
        )
    checked = run_registry_import(registry_import.pk)
    dry_run = time.perf_counter() - started
    _print("dry run", checked, dry_run)
    started = time.perf_counter()
    registry_import_commit(actor=officer, import_id=checked.pk)
    done = run_registry_import(checked.pk)
    commit = time.perf_counter() - started
    _print("commit", done, commit)
    print(f"registry now: {Person.objects.count()} people, {Family.objects.count()} families")
    total = dry_run + commit
    verdict = "OK" if total <= options.limit and done.state == "done" else "TOO SLOW OR FAILED"
    print(f"\ndry run + commit: {total:.1f} s (limit {options.limit:.0f} s): {verdict}")
    return 0 if verdict == "OK" else 1


def _print(title: str, registry_import, seconds: float) -> None:
    print(
        f"{title}: {seconds:.1f} s, {registry_import.total_rows / seconds:.0f} rows/s, "
        f"state {registry_import.state}: accepted {registry_import.accepted}, warnings "
        f"{registry_import.warnings}, errors {registry_import.errors}, created "
        f"{registry_import.created}, updated {registry_import.updated}, unchanged "
        f"{registry_import.unchanged}, likely duplicates {registry_import.duplicates}"
    )


if __name__ == "__main__":
    sys.exit(main())
