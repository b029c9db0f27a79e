"""The XLSX report of an import: a summary sheet and one line per row issue (or per row
without any), each naming the row by its number in the file and a masked NIK, never the
whole NIK. Written as the rows go (XlsxWriter's constant-memory mode: a 100,000-row report
is not held in memory, and is written several times faster than openpyxl writes it)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import xlsxwriter
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


class ReportWriter:
    def __init__(self) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="simpul-report-")
        self.path = Path(self.directory.name) / "report.xlsx"
        self.book = xlsxwriter.Workbook(
            str(self.path),
            {
                "constant_memory": True,
                "tmpdir": self.directory.name,
                # Every cell is text as the file gave it: "=HYPERLINK(...)" in a name is a
                # name, never a formula or a link the reader's Excel would follow.
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.summary = self.book.add_worksheet(_("Ringkasan"))
        self.rows = self.book.add_worksheet(_("Hasil per baris"))
        header = [_("Baris"), _("NIK"), _("Nama"), _("Hasil"), _("Tindakan"), _("Kolom")]
        self.rows.write_row(0, 0, [*header, _("Keterangan")], self.book.add_format({"bold": 1}))
        self.line = 1
        self.accepted, self.error, self.warning = _("Diterima"), _("Galat"), _("Peringatan")
        self.labels = {
            "created": _("dibuat"),
            "updated": _("diperbarui"),
            "unchanged": _("tidak berubah"),
        }

    def add(self, row: Row) -> None:
        start = [row.number, row.values.get("masked_nik", ""), row.values.get("full_name", "")]
        action = self.labels.get(row.action, "")
        if not row.issues:
            self.rows.write_row(self.line, 0, [*start, self.accepted, action])
            self.line += 1
        for issue in row.issues:
            result = self.error if issue.level == ERROR else self.warning
            self.rows.write_row(self.line, 0, [*start, result, action, issue.column, issue.message])
            self.line += 1

    def close(self) -> None:
        """Give up the report without storing it."""
        self.directory.cleanup()

    def save(self, registry_import: RegistryImport) -> None:
        """The summary filled from ``registry_import``'s counts, and the workbook stored as
        its report (under a random name, as the upload)."""
        lines = [
            (_("Berkas"), registry_import.display_name),
            (_("Jenis"), registry_import.get_kind_display()),
            (
                _("Status"),
                _("Sudah diimpor") if registry_import.committed else _("Uji coba (belum diimpor)"),
            ),
            *((str(label), getattr(registry_import, name)) for name, label in COUNTS),
        ]
        for number, line in enumerate(lines):
            self.summary.write_row(number, 0, line)
        self.summary.set_column(0, 0, 28)
        self.book.close()
        try:
            with self.path.open("rb") as stream:
                if registry_import.report:
                    registry_import.report.delete(save=False)
                registry_import.report.save("report.xlsx", File(stream), save=False)
        finally:
            self.directory.cleanup()
