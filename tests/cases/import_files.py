"""Small registry files for the import tests, CSV or XLSX, and a helper that runs one."""

from __future__ import annotations

import csv
import io

from django.core.files.base import ContentFile
from openpyxl import Workbook

from cases.models import RegistryImport
from cases.registry_import.services import (
    registry_import_commit,
    registry_import_create,
    run_registry_import,
)

HEADER = [
    "NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TGL_LAHIR", "ALAMAT", "RT",
    "RW", "KODE_WILAYAH", "DESIL", "STATUS", "TANGGAL_DATA",
]  # fmt: skip
KK = "1904010101200001"
KK_2 = "1904010101200002"


def extract_row(**overrides) -> dict:
    row = {
        "NIK": "1904011208850001",
        "NO_KK": KK,
        "NAMA": "Budi Santoso",
        "JENIS_KELAMIN": "L",
        "TEMPAT_LAHIR": "Koba",
        "TGL_LAHIR": "12-08-1985",
        "ALAMAT": "Jl. Raya Koba No. 5",
        "RT": "002",
        "RW": "001",
        "KODE_WILAYAH": "19.04.01.2003",
        "DESIL": "1",
        "STATUS": "DTKS",
        "TANGGAL_DATA": "2025-01-31",
    }
    row.update(overrides)
    return row


def csv_file(rows: list[dict], header: list[str] | None = None, delimiter: str = ",") -> bytes:
    header = header or list(rows[0]) if rows else HEADER
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8")


def xlsx_file(rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name, "") for name in header])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def dry_run(actor, content: bytes, *, name="dtks.csv", kind="extract") -> RegistryImport:
    registry_import = registry_import_create(
        actor=actor, kind=kind, file=ContentFile(content), filename=name
    )
    return run_registry_import(registry_import.pk)


def commit(actor, registry_import: RegistryImport) -> RegistryImport:
    registry_import_commit(actor=actor, import_id=registry_import.pk)
    return run_registry_import(registry_import.pk)


def imported(actor, content: bytes, *, name="dtks.csv", kind="extract") -> RegistryImport:
    """Dry run then commit, as the importer."""
    return commit(actor, dry_run(actor, content, name=name, kind=kind))
