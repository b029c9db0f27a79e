"""Time of a 100,000-case export on PostgreSQL, to XLSX and to CSV, through the background
path (the job ``web.export_job.run_export`` that "Unduh Excel" / "Unduh CSV" start for a
long list).

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/simpul_export_bench \\
        .venv/bin/python benchmarks/export.py [--rows 100000] [--limit 120] [--keep]

The database named in DATABASE_URL is dropped and built afresh (migrate, ``load_regions``)
unless ``--keep`` finds it already seeded. Seeding reuses the registry import benchmark's
tools: ``scripts/make_registry_extract.py`` writes a DTKS/DTSEN extract of ``--rows``
people of Bangka Tengah (19.04), the registry import loads it, and ``--rows`` open cases
are written, one per person in turn (``bulk_create``: the export reads cases, it does not
open them). A
supervisor of 19.04 then exports the whole case list as each format. The run fails (exit
status 1) when either export takes longer than ``--limit`` seconds (issue 15: under 2
minutes).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from registry_import import recreate_database  # noqa: E402  (after the path is set)


def seed_people(workdir: Path, rows: int, supervisor) -> None:
    """People through the registry import benchmark's extract and the import itself."""
    import make_registry_extract
    from django.core.files import File

    from cases.registry_import.services import (
        registry_import_commit,
        registry_import_create,
        run_registry_import,
    )

    extract = workdir / "dtks.csv"
    make_registry_extract.main([str(extract), "--rows", str(rows)])
    with extract.open("rb") as stream:
        checked = registry_import_create(
            actor=supervisor, kind="extract", file=File(stream), filename=extract.name
        )
    run_registry_import(checked.pk)
    registry_import_commit(actor=supervisor, import_id=checked.pk)
    run_registry_import(checked.pk)


def seed_cases(rows: int, supervisor) -> None:
    """Open cases up to ``rows``, one per person in turn (a person may have two: the
    extract holds a few rows the import refuses)."""
    from django.utils import timezone

    from cases.models import Case, Person

    now = timezone.now()
    people = itertools.cycle(list(Person.objects.order_by("pk").values_list("pk", "region_id")))
    have = Case.objects.count()
    batch: list[Case] = []
    for n in range(have + 1, rows + 1):
        pk, region = next(people)
        batch.append(
            Case(
                number=f"1904-2026-{n:06d}",
                kind="service_request",
                channel="walk_in",
                applicant_id=pk,
                beneficiary_id=pk,
                region_id=region,
                description="Permohonan layanan (data uji).",
                opened_by=supervisor,
                opened_at=now,
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds (default 120)")
    parser.add_argument("--keep", action="store_true", help="reuse a seeded database")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database (it is dropped and rebuilt).")
        return 2
    if not options.keep:
        recreate_database(url)
    workdir = Path(tempfile.mkdtemp(prefix="simpul-export-bench-"))
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("BACKGROUND_ENGINE", "none")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.http import QueryDict

    from agencies.models import Membership, Office, Role
    from cases.exports import export_create
    from cases.models import Case, Export
    from web.export_job import run_export
    from web.export_sources import case_rows

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    supervisor = users.filter(username="manajer.bench").first()
    started = time.perf_counter()
    if supervisor is None:
        call_command("load_regions", verbosity=0)
        supervisor = users.create_user("manajer.bench", password="x")
        office = Office.objects.create(name="SLRT Bangka Tengah", kind="slrt", area_id="19.04")
        Membership.objects.create(
            user=supervisor, role=Role.SUPERVISOR, area_id="19.04", office=office
        )
        seed_people(workdir, options.rows, supervisor)
    if Case.objects.count() < options.rows:
        seed_cases(options.rows, supervisor)
        print(f"seeded {Case.objects.count()} cases in {time.perf_counter() - started:.0f} s")

    total = case_rows(supervisor, QueryDict())[0].order_by().count()
    verdicts = []
    for format in ("xlsx", "csv"):
        export = export_create(
            actor=supervisor, kind="cases", format=format, filters={}, total=total
        )
        started = time.perf_counter()
        run_export(export.pk)
        seconds = time.perf_counter() - started
        export = Export.objects.get(pk=export.pk)
        size = export.file.size if export.file else 0
        ok = export.state == "done" and export.rows_done == total and seconds <= options.limit
        verdicts.append(ok)
        print(
            f"{format}: {export.rows_done} of {total} rows in {seconds:.1f} s "
            f"({export.rows_done / seconds:.0f} rows/s, {size / 1e6:.1f} MB), "
            f"state {export.state}: {'OK' if ok else 'TOO SLOW OR FAILED'}"
        )
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
