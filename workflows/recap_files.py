"""The monthly recap as tables (one definition read by the page, the PDF and the XLSX), drawn
as a PDF on the office's letterhead (``core.pdf``, fpdf2, Bahasa Indonesia: a report to the
regent) and as an XLSX workbook (openpyxl, one sheet per table)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf.fonts import FontFace

from core import spreadsheets
from core.pdf import draw_letterhead, latin1, long_date, new_pdf, paragraph
from core.spreadsheets import xlsx_bytes

from .recap import Recap


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]

    @property
    def shown_rows(self) -> list[list[str]]:
        return [[shown(value) for value in row] for row in self.rows]


def shown(value: Any) -> str:
    """A cell as the page and the PDF show it: ``-`` for nothing, one decimal for a float."""
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return formats.number_format(value, 1)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


def _moves(key: str, title: str, first: str, rows: list[dict], *, total: bool = True) -> Table:
    """Cases received and closed per ``first``; with a total row unless a case may count in
    several rows (a case requesting two services)."""
    body = [[r["label"] or "-", r["received"], r["closed"]] for r in rows]
    if total:
        received, closed = sum(r["received"] for r in rows), sum(r["closed"] for r in rows)
        body.append([_("Jumlah"), received, closed])
    return Table(key, title, [first, _("Diterima"), _("Selesai")], body)


def recap_tables(recap: Recap) -> list[Table]:
    """The recap's tables in reading order, labels in the active language."""
    return [
        Table(
            "summary",
            _("Ringkasan"),
            [_("Ukuran"), _("Nilai")],
            [
                [_("Kasus diterima"), recap.received],
                [_("Kasus selesai"), recap.closed],
                [_("Median hari sampai selesai"), recap.median_days_to_close],
            ],
        ),
        _moves("kind", _("Kasus per jenis"), _("Jenis"), recap.by_kind),
        _moves(
            "service",
            _("Kasus per layanan yang dimohon"),
            _("Layanan"),
            recap.by_service,
            total=False,
        ),
        _moves("channel", _("Kasus per saluran"), _("Saluran"), recap.by_channel),
        _moves("district", _("Kasus per kecamatan"), _("Kecamatan"), recap.by_district),
        _referrals(recap),
        _deliveries(recap),
        _complaints(recap),
    ]


def _referrals(recap: Recap) -> Table:
    return Table(
        "referrals",
        _("Rujukan per instansi"),
        [
            _("Instansi"),
            _("Jumlah rujukan"),
            _("Diterima instansi"),
            _("Ditolak"),
            _("Disalurkan"),
            _("Dijawab tepat waktu (%)"),
            _("Median hari sampai jawaban"),
            _("Median hari sampai penyaluran"),
            _("Terlambat kini"),
        ],
        [
            [
                r["agency_name"],
                r["received"],
                r["accepted"],
                r["rejected"],
                r["delivered"],
                r["on_time_share"],
                r["median_days_to_answer"],
                r["median_days_to_delivery"],
                r["overdue_now"],
            ]
            for r in recap.referrals
        ],
    )


def _deliveries(recap: Recap) -> Table:
    return Table(
        "deliveries",
        _("Penyaluran per program"),
        [_("Program"), _("Penyaluran"), _("Nilai (Rp)")],
        [[r["label"], r["count"], int(r["amount"])] for r in recap.deliveries],
    )


def _complaints(recap: Recap) -> Table:
    return Table(
        "complaints",
        _("Pengaduan per tingkat"),
        [
            _("Tingkat"),
            _("Diterima"),
            _("Tepat waktu"),
            _("Terlambat"),
            _("Belum ditangani, lewat tenggat"),
            _("Dijawab dalam tenggat (%)"),
        ],
        [
            [
                r["label"],
                r["received"],
                r["on_time"],
                r["late"],
                r["open_overdue"],
                r["on_time_share"],
            ]
            for r in recap.complaints
        ],
    )


def recap_title(recap: Recap) -> str:
    return _("Rekap bulanan %(region)s, %(month)s") % {
        "region": recap.region.name,
        "month": formats.date_format(recap.month, "F Y"),
    }


def render_recap_pdf(recap: Recap, *, office: Any, government: str, user_name: str) -> bytes:
    """The recap as PDF bytes, in Bahasa Indonesia on ``office``'s letterhead; each table's
    header row repeats on every page it spans."""
    with override("id"):
        title = recap_title(recap)
        printed = _("Dicetak %(when)s oleh %(user)s") % {
            "when": formats.date_format(timezone.localtime(recap.generated_at), "j F Y H:i"),
            "user": user_name,
        }
        pdf = new_pdf(
            title=title, author=office.name if office else "Simpul", footer_lines=[title, printed]
        )
        draw_letterhead(pdf, office, government)
        paragraph(pdf, title.upper(), bold=True, gap=0)
        paragraph(pdf, _("Keadaan per %(date)s") % {"date": long_date(recap.generated_at)})
        for table in recap_tables(recap):
            _draw_table(pdf, table)
        return bytes(pdf.output())


def _draw_table(pdf, table: Table) -> None:
    if pdf.get_y() + 30 > pdf.page_break_trigger:
        pdf.add_page()
    paragraph(pdf, table.title, bold=True, gap=1)
    wide = len(table.headers) > 4
    pdf.set_font("Helvetica", "", 8 if wide else 10)
    widths = [2 if wide else 3] + [1] * (len(table.headers) - 1)
    with pdf.table(
        col_widths=widths,
        text_align=["LEFT"] + ["RIGHT"] * (len(table.headers) - 1),
        # Wide tables' headings a point smaller, so "penyaluran" fits its column whole.
        headings_style=FontFace(
            emphasis="BOLD", fill_color=(230, 230, 230), size_pt=7 if wide else None
        ),
        line_height=4.6,
        repeat_headings=1,
    ) as drawn:
        heading = drawn.row()
        for text in table.headers:
            heading.cell(latin1(text))
        for values in table.shown_rows or [["-"] * len(table.headers)]:
            row = drawn.row()
            for value in values:
                row.cell(latin1(value))
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)


def render_recap_xlsx(recap: Recap, *, user_name: str) -> bytes:
    """The recap as an XLSX workbook (``core.spreadsheets``, the writer of every export), one
    sheet per table; each sheet's first line names the recap, the region, the month, when
    and by whom it was made."""
    first_line = _("%(title)s · dibuat %(when)s oleh %(user)s") % {
        "title": recap_title(recap),
        "when": formats.date_format(timezone.localtime(recap.generated_at), "Y-m-d H:i"),
        "user": user_name,
    }
    return xlsx_bytes(
        first_line,
        [spreadsheets.Table(t.title, t.headers, t.rows) for t in recap_tables(recap)],
    )
