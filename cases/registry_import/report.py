"""The XLSX report of an import: a summary sheet and one line per row issue (or per row
without any), each naming the row by its number in the file and a masked NIK, never the
whole NIK. Written as the rows go (openpyxl's write-only mode), not held in memory."""

from __future__ import annotations

import tempfile
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.models import RegistryImport
from cases.registry_import.rows import ERROR, Row

COUNTS = [
    ("total_rows", gettext_lazy("Jumlah baris")),
    ("accepted", gettext_lazy("Diterima")),
    ("warnings", gettext_lazy("Diterima dengan peringatan")),
    ("errors", gettext_lazy("Galat (tidak diimpor)")),
    ("created", gettext_lazy("Data baru")),
    ("updated", gettext_lazy("Diperbarui")),
    ("unchanged", gettext_lazy("Tidak berubah")),
    ("duplicates", gettext_lazy("Kemungkinan data ganda")),
    ("unmatched", gettext_lazy("NIK tidak ditemukan")),
]


def _bold(sheet: Any, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


class ReportWriter:
    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.summary = self.book.create_sheet(_("Ringkasan"))
        self.rows = self.book.create_sheet(_("Hasil per baris"))
        self.rows.append(
            _bold(
                self.rows,
                [
                    _("Baris"),
                    _("NIK"),
                    _("Nama"),
                    _("Hasil"),
                    _("Tindakan"),
                    _("Kolom"),
                    _("Keterangan"),
                ],
            )
        )
        self.labels = {
            "created": _("dibuat"),
            "updated": _("diperbarui"),
            "unchanged": _("tidak berubah"),
        }

    def add(self, row: Row) -> None:
        start = [row.number, row.values.get("masked_nik", ""), row.values.get("full_name", "")]
        action = self.labels.get(row.action, "")
        if not row.issues:
            self.rows.append([*start, _("Diterima"), action, "", ""])
        for issue in row.issues:
            result = _("Galat") if issue.level == ERROR else _("Peringatan")
            self.rows.append([*start, result, action, issue.column, issue.message])

    def close(self) -> None:
        """Give up the workbook without saving it: its sheets' temporary files closed and
        removed."""
        for sheet in self.book.worksheets:
            sheet.close()
            sheet._writer.cleanup()

    def save(self, registry_import: RegistryImport) -> None:
        """The summary filled from ``registry_import``'s counts, and the workbook stored as
        its report (under a random name, as the upload)."""
        self.summary.append([_("Berkas"), registry_import.display_name])
        self.summary.append([_("Jenis"), registry_import.get_kind_display()])
        state = _("Sudah diimpor") if registry_import.committed else _("Uji coba (belum diimpor)")
        self.summary.append([_("Status"), state])
        for name, label in COUNTS:
            self.summary.append([str(label), getattr(registry_import, name)])
        with tempfile.TemporaryFile() as stream:
            self.book.save(stream)
            stream.seek(0)
            if registry_import.report:
                registry_import.report.delete(save=False)
            registry_import.report.save("report.xlsx", File(stream), save=False)
