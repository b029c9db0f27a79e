"""Every export's file: a first line saying who exported what and when, then one or more
tables (headers and rows), written as XLSX (openpyxl, write-only mode) or CSV (the stdlib
``csv`` module, UTF-8 with a byte-order mark so Excel reads it right).

Callers give translated headers and plain values; this module puts dates in local time and
guards text cells against formula injection (a cell starting with ``= + - @``, or a tab or
carriage return, is prefixed with ``'`` so a spreadsheet shows it as text, never runs it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How often (rows) a long export reports its progress.
PROGRESS_EVERY = 1000
Progress = Callable[[int], None]


@dataclass
class Table:
    """One table of an export (one sheet of an XLSX file): ``rows`` may be a generator."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]


def first_line(*, user_name: str, at: dt.datetime, filters: Sequence[tuple[str, str]]) -> str:
    """``Diekspor oleh <user> pada <local time and zone, e.g. WIB>; filter: <label: value,
    ...>``."""
    shown = ", ".join(f"{label}: {value}" for label, value in filters) or _("tanpa filter")
    return _("Diekspor oleh %(user)s pada %(time)s; filter: %(filters)s") % {
        "user": user_name,
        "time": date_format(timezone.localtime(at), "Y-m-d H:i T"),
        "filters": shown,
    }


def filter_date(day: dt.date) -> str:
    """A date as every export's first line writes a filter's date: "1 November 2026"."""
    return date_format(day, "j F Y")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character is escaped."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _value(value: Any, *, for_csv: bool) -> Any:
    """A cell's value: local naive datetimes (CSV: text), numbers as numbers, text guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M") if for_csv else local.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value.isoformat() if for_csv else value
    if isinstance(value, int | float):
        return value
    return safe_text(str(value))


def _cells(row: Sequence[Any], *, for_csv: bool) -> list[Any]:
    return [_value(v, for_csv=for_csv) for v in row]


class _Counter:
    """Counts written rows and reports every ``PROGRESS_EVERY`` (and once at the end)."""

    def __init__(self, on_progress: Progress | None):
        self.on_progress = on_progress
        self.done = 0

    def row(self) -> None:
        self.done += 1
        if self.on_progress and self.done % PROGRESS_EVERY == 0:
            self.on_progress(self.done)

    def end(self) -> None:
        if self.on_progress:
            self.on_progress(self.done)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(
    line: str, tables: Sequence[Table], on_progress: Progress | None = None
) -> Iterator[bytes]:
    """The CSV file in pieces (a streamed response's content): BOM and the first line, then
    each table (its title first when there are several, an empty row between them)."""
    writer = csv.writer(_Echo())
    counter = _Counter(on_progress)
    yield "\ufeff".encode() + writer.writerow([safe_text(line)]).encode()
    for n, table in enumerate(tables):
        if len(tables) > 1:
            yield (writer.writerow([]) if n else "").encode()
            yield writer.writerow([safe_text(str(table.title))]).encode()
        yield writer.writerow([safe_text(str(h)) for h in table.headers]).encode()
        for row in table.rows:
            yield writer.writerow(_cells(row, for_csv=True)).encode()
            counter.row()
    counter.end()


def write_csv(
    file: IO[bytes], line: str, tables: Sequence[Table], on_progress: Progress | None = None
) -> None:
    for chunk in csv_chunks(line, tables, on_progress):
        file.write(chunk)


def write_xlsx(
    file: IO[bytes], line: str, tables: Sequence[Table], on_progress: Progress | None = None
) -> None:
    """A write-only workbook (rows go to disk as they come): one sheet per table, each
    starting with the first line, then the headers."""
    workbook = Workbook(write_only=True)
    counter = _Counter(on_progress)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.title)))
        sheet.append([safe_text(line)])
        sheet.append([safe_text(str(h)) for h in table.headers])
        for row in table.rows:
            sheet.append(_cells(row, for_csv=False))
            counter.row()
    workbook.save(file)
    counter.end()


def _sheet_title(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Data"


def xlsx_bytes(line: str, tables: Sequence[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, line, tables)
    return buffer.getvalue()
