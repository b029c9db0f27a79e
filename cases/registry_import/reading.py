"""Reading an uploaded registry file, CSV or XLSX, row by row into dicts keyed by our column
names, whatever spelling of the header the regency's extract uses.

CSV through the standard ``csv`` module (comma or semicolon, as Excel writes it in an
Indonesian locale; UTF-8 with or without BOM, else Windows-1252), XLSX through openpyxl in
read-only mode: neither file is read into memory whole.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from openpyxl import load_workbook

# Our column name -> the header spellings accepted (compared folded: lower case, letters and
# digits only, so "No. KK", "NO_KK" and "nomor kk" are one).
COLUMNS = {
    "nik": ["nik", "noktp", "nomorinduk", "nomorindukkependudukan"],
    "kk_number": ["nokk", "nomorkk", "kk", "nokartukeluarga", "nomorkartukeluarga"],
    "full_name": ["nama", "namalengkap", "nm", "namaart"],
    "sex": ["jeniskelamin", "jk", "kelamin", "sex", "lp"],
    "birth_place": ["tempatlahir", "tmplahir", "tmptlahir"],
    "birth_date": ["tanggallahir", "tgllahir", "tgllhr", "tanggallhr"],
    "street": ["alamat", "alamatjalan", "jalan"],
    "rt": ["rt", "nort"],
    "rw": ["rw", "norw"],
    "rt_rw": ["rtrw"],
    "region_code": ["kodewilayah", "kodedesa", "kodekelurahan", "kdwilayah", "kodekemendagri"],
    "decile": ["desil", "desilkesejahteraan"],
    "status": ["status", "statusdtks", "statusdtsen"],
    "as_of": ["tanggaldata", "tgldata", "pertanggal", "periode", "tanggalupdate"],
    "relationship": ["hubungan", "hubungankeluarga", "shdk", "hubdgnkk"],
    "death_date": ["tanggalmeninggal", "tglmeninggal", "tanggalkematian", "tglkematian"],
    "source": ["sumber", "sumberdata"],
}
REQUIRED = {
    "extract": ["nik", "kk_number", "full_name", "region_code", "status", "as_of"],
    "deaths": ["nik", "death_date"],
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


class UnreadableFile(Exception):
    """The file is neither a CSV nor an XLSX we can read (``missing`` empty), or lacks the
    required columns ``missing`` (our names)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


# Identity numbers whose every digit counts; a cell Excel holds as a number has lost one.
NUMBER_COLUMNS = ("nik", "kk_number")
NUMERIC_CELLS = "_numeric"


class TooManyRows(Exception):
    """The file has more rows than ``settings.REGISTRY_IMPORT_MAX_ROWS``."""


def fold_header(header: object) -> str:
    return _NOT_ALNUM.sub("", str(header or "").lower())


def cell_text(value: object) -> str:
    """A cell as text: a whole number stays whole (a NIK typed into Excel as a number),
    a date stays a date (ISO), text is stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Sheet:
    """The rows of a file: ``columns`` our names by position, ``total`` the data rows."""

    columns: list[str | None]
    total: int
    rows: Iterator[tuple]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as the user sees it in the file, the row's cells by our names).
        A NIK or KK number Excel stored as a number is flagged (``NUMERIC_CELLS``): Excel
        keeps 15 significant digits, so the 16th may have changed."""
        for number, row in enumerate(self.rows, start=2):
            cells = {}
            numeric = []
            for name, value in zip(self.columns, row, strict=False):
                if name is None:
                    continue
                cells[name] = cell_text(value)
                if name in NUMBER_COLUMNS and isinstance(value, int | float):
                    numeric.append(name)
            if any(cells.values()):
                if numeric:
                    cells[NUMERIC_CELLS] = ",".join(numeric)
                yield number, cells


def _columns(header: tuple, kind: str) -> list[str | None]:
    columns = [_ALIASES.get(fold_header(cell)) for cell in header]
    missing = [name for name in REQUIRED[kind] if name not in columns]
    if missing:
        raise UnreadableFile(missing)
    return columns


def open_sheet(stream: IO[bytes], kind: str) -> Sheet:
    """The rows of ``stream`` (XLSX when it is a zip file, else CSV). Raises
    ``UnreadableFile`` naming the required columns missing."""
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(b"PK"):
        return _xlsx(stream, kind)
    return _csv(stream, kind)


def _xlsx(stream: IO[bytes], kind: str) -> Sheet:
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile([]) from error
    sheet = book.worksheets[0]
    # The size a file declares may be wrong (some exporters write "A1"): read every row.
    sheet.reset_dimensions()
    total = _counted(sheet.iter_rows(values_only=True))
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise UnreadableFile(REQUIRED[kind])
    columns = _columns(header, kind)
    return Sheet(columns, total, rows)


def _encoding(stream: IO[bytes]) -> str:
    """How the CSV is written: UTF-16 when it says so (Excel's "Unicode text"), UTF-8 when
    every byte of it decodes so (a pass over the whole file, not a sample: a name far down
    may be the first non-ASCII one), else Windows-1252 (older Excel's CSV)."""
    head = stream.read(2)
    stream.seek(0)
    if head in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        while chunk := stream.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)


def _text(stream: IO[bytes], encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def _counted(rows: Iterator) -> int:
    """How many data rows follow the header, refusing a file past
    ``settings.REGISTRY_IMPORT_MAX_ROWS`` as soon as it is (before any other work)."""
    limit = settings.REGISTRY_IMPORT_MAX_ROWS
    total = -1
    for total, _row in enumerate(rows):
        if total > limit:
            raise TooManyRows
    return max(total, 0)


def _csv(stream: IO[bytes], kind: str) -> Sheet:
    encoding = _encoding(stream)
    counting = _text(stream, encoding)
    total = _counted(counting)
    counting.detach()  # the stream is read again, not closed with its reader
    stream.seek(0)
    text = _text(stream, encoding)
    first = text.readline()
    text.seek(0)
    # Comma, or as Indonesian Excel saves it: semicolon; tab in its "Unicode text".
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(text, delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise UnreadableFile(REQUIRED[kind])
    return Sheet(_columns(tuple(header), kind), total, (tuple(row) for row in reader))
