#!/usr/bin/env python
"""Write a realistic fake DTKS/DTSEN extract of a regency, for trying and benchmarking the
registry import (``manage.py import_registry``, ``benchmarks/registry_import.py``).

    .venv/bin/python scripts/make_registry_extract.py OUT.csv [--rows 100000]
        [--regency 19.04] [--as-of 2025-01-31] [--seed 1] [--errors 0.003]
        [--near-duplicates 0.002] [--villages CODE,CODE]   # OUT.xlsx: an XLSX file

Families of 2-6 people share a KK number and live in one village of the regency (the
Kemendagri codes ``manage.py load_regions`` loads); every NIK is valid and encodes its
holder's birth date, sex and district. Names and streets are Faker's Indonesian ones. A
few rows carry a deliberate error (an impossible NIK, an unknown village, a decile of 11,
a birth date that does not exist) and a few people appear twice, with another NIK and their
name spelt another way (``Muhammad``/``M.``, ``u``/``oe``): the likely duplicates. Every
person is fake; the numbers belong to nobody.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from faker import Faker

HEADER = [
    "NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TGL_LAHIR", "ALAMAT", "RT",
    "RW", "KODE_WILAYAH", "HUBUNGAN", "DESIL", "STATUS", "TANGGAL_DATA",
]  # fmt: skip
SPELLINGS = [("Muhammad ", "M. "), ("Siti ", "St. "), ("Abdul ", "Abd. "), ("u", "oe"), ("j", "dj")]


def villages_of(regency: str) -> list[tuple[str, str]]:
    """(code, name) of the villages of ``regency`` in the bundled Kemendagri list."""
    text = resources.files("wilayah_indonesia.csv").joinpath("base.csv").read_text("utf-8")
    rows = csv.reader(io.StringIO(text))
    found = [
        (r[0], r[1]) for r in rows if r and r[0].startswith(regency + ".") and r[0].count(".") == 3
    ]
    if not found:
        raise SystemExit(f"No villages under {regency} in the region list.")
    return found


class Extract:
    def __init__(self, options: argparse.Namespace):
        self.random = random.Random(options.seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(options.seed)
        self.villages = villages_of(options.regency)
        if options.villages:
            wanted = set(options.villages.split(","))
            self.villages = [village for village in self.villages if village[0] in wanted]
        self.as_of = options.as_of
        self.errors = options.errors
        self.near = options.near_duplicates
        self.serials: dict[str, int] = {}
        self.families = 0

    def nik(self, village: str, born: dt.date, sex: str) -> str:
        district = village.replace(".", "")[:6]
        day = born.day + (40 if sex == "P" else 0)
        stem = f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}"
        self.serials[stem] = self.serials.get(stem, 0) + 1
        return f"{stem}{self.serials[stem]:04d}"

    def kk(self, village: str) -> str:
        self.families += 1
        issued = dt.date(2010, 1, 1) + dt.timedelta(days=self.families // 9000)
        return f"{village.replace('.', '')[:6]}{issued:%d%m%y}{self.families % 9000 + 1:04d}"

    def born(self, low: int, high: int) -> dt.date:
        age_days = self.random.randint(low * 365, high * 365)
        return self.as_of - dt.timedelta(days=age_days)

    def rows(self, count: int) -> Iterator[dict]:
        written = 0
        while written < count:
            for row in self.family():
                if written == count:
                    return
                yield self.damaged(row) if self.random.random() < self.errors else row
                written += 1
                if self.random.random() < self.near and written < count:
                    yield self.near_duplicate(row)
                    written += 1

    def family(self) -> list[dict]:
        village, place = self.random.choice(self.villages)
        in_dtks = self.random.random() < 0.85
        shared = {
            "NO_KK": self.kk(village),
            "ALAMAT": self.fake.street_address(),
            "RT": f"{self.random.randint(1, 15):03d}",
            "RW": f"{self.random.randint(1, 8):03d}",
            "KODE_WILAYAH": village,
            "DESIL": str(self.random.randint(1, 10)) if in_dtks else "",
            "STATUS": "DTKS" if in_dtks else "NON DTKS",
            "TANGGAL_DATA": self.as_of.strftime("%d-%m-%Y"),
        }
        surname = self.fake.last_name_male()
        members = [("L", "KEPALA KELUARGA", self.born(25, 70), surname)]
        size = self.random.randint(2, 6)
        if size > 1:
            members.append(("P", "ISTRI", self.born(22, 65), ""))
        for _child in range(size - len(members)):
            members.append((self.random.choice("LP"), "ANAK", self.born(0, 21), surname))
        rows = []
        for sex, relationship, born, last in members:
            first = self.fake.first_name_male() if sex == "L" else self.fake.first_name_female()
            name = f"{first} {last or self.fake.last_name_female()}"
            rows.append({
                **shared, "NIK": self.nik(village, born, sex), "NAMA": name, "JENIS_KELAMIN": sex,
                "TEMPAT_LAHIR": place.title(), "TGL_LAHIR": born.strftime("%d-%m-%Y"),
                "HUBUNGAN": relationship,
            })  # fmt: skip
        return rows

    def damaged(self, row: dict) -> dict:
        row = dict(row)
        kind = self.random.randrange(4)
        if kind == 0:
            row["NIK"] = row["NIK"][:6] + "99" + row["NIK"][8:]
        elif kind == 1:
            row["KODE_WILAYAH"] = row["KODE_WILAYAH"][:-4] + "9999"
        elif kind == 2:
            row["DESIL"], row["STATUS"] = "11", "DTKS"
        else:
            row["TGL_LAHIR"] = "31-02-" + row["TGL_LAHIR"][-4:]
        return row

    def near_duplicate(self, row: dict) -> dict:
        twin = dict(row, NO_KK=self.kk(row["KODE_WILAYAH"]))
        name = row["NAMA"]
        for long, short in SPELLINGS:
            if long in name:
                name = name.replace(long, short, 1)
                break
        else:
            name = name.replace("a", "aa", 1)
        born = dt.datetime.strptime(row["TGL_LAHIR"], "%d-%m-%Y").date()
        twin.update(NAMA=name, NIK=self.nik(row["KODE_WILAYAH"], born, row["JENIS_KELAMIN"]))
        return twin


def write(path: Path, rows: Iterator[dict]) -> None:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("DTKS")
        sheet.append(HEADER)
        for row in rows:
            sheet.append([row[name] for name in HEADER])
        book.save(path)
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--regency", default="19.04", help="Kemendagri code (default Bangka Tengah)"
    )
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 1, 31))
    parser.add_argument("--villages", default="", help="only these village codes (comma-separated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--errors", type=float, default=0.003, help="share of damaged rows")
    parser.add_argument("--near-duplicates", type=float, default=0.002)
    options = parser.parse_args(argv)
    write(options.out, Extract(options).rows(options.rows))
    print(f"{options.rows} rows written to {options.out}")


if __name__ == "__main__":
    main()
