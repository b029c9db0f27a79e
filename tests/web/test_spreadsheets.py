"""The one spreadsheet writer every export uses (``core.spreadsheets``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from core.spreadsheets import Table, csv_chunks, first_line, xlsx_bytes

EVIL = ['=HYPERLINK("http://x")', "+62 812", "-1+1", "@SUM(A1)", "\tx", "aman"]


def test_cells_starting_like_a_formula_are_kept_as_text_in_csv_and_xlsx():
    table = Table("Data", ["=judul"], [EVIL, [-5, 2.5]])
    rows = list(
        csv.reader(io.StringIO(b"".join(csv_chunks("=baris", [table])).decode("utf-8-sig")))
    )
    assert rows[0] == ["'=baris"] and rows[1] == ["'=judul"]
    assert rows[2] == ['\'=HYPERLINK("http://x")', "'+62 812", "'-1+1", "'@SUM(A1)", "'\tx", "aman"]
    assert rows[3] == ["-5", "2.5"]  # numbers stay numbers
    sheet = load_workbook(io.BytesIO(xlsx_bytes("=baris", [table]))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[2][:4] == ['\'=HYPERLINK("http://x")', "'+62 812", "'-1+1", "'@SUM(A1)"]
    assert values[3][:2] == [-5, 2.5]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_times_are_written_in_local_time():
    utc = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 06:30 the next day in Jakarta
    table = Table("Data", ["Waktu"], [[utc], [dt.date(2026, 3, 2)]])
    rows = list(csv.reader(io.StringIO(b"".join(csv_chunks("x", [table])).decode("utf-8-sig"))))
    assert rows[2] == ["2026-03-02 06:30"] and rows[3] == ["2026-03-02"]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("x", [table]))).active
    assert sheet["A3"].value == dt.datetime(2026, 3, 2, 6, 30)


def test_first_line_names_who_when_and_the_filters():
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 6, 30))
    line = first_line(user_name="Ani", at=at, filters=[("Tahap", "Asesmen"), ("Cari", "Budi")])
    assert line == "Diekspor oleh Ani pada 2026-03-02 06:30 WIB; filter: Tahap: Asesmen, Cari: Budi"
    assert first_line(user_name="Ani", at=at, filters=[]).endswith("filter: tanpa filter")
