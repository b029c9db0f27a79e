"""NIK (Nomor Induk Kependudukan) rules.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, regency and district of first
registration, day of birth (plus 40 for women), month, two-digit year, serial. The region
prefix is not checked against the code list (districts get split) and the encoded date only
warns: NIKs with a wrong encoded date exist and are not reissued.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NIK_LENGTH = 16
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class NikParts:
    region_prefix: str
    birth_day: int
    birth_month: int
    birth_year_2d: int
    sex: str  # "M" or "F"
    serial: str

    def matches_birth_date(self, birth_date: dt.date) -> bool:
        return (
            birth_date.day == self.birth_day
            and birth_date.month == self.birth_month
            and birth_date.year % 100 == self.birth_year_2d
        )


def normalize_number(value: str) -> str:
    """Strip the spaces, dots and dashes people type into ID numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def looks_like_nik(value: str) -> bool:
    """Whether a search term is a NIK or KK number (16 digits, spaces and dots allowed)."""
    number = normalize_number(value)
    return number.isdigit() and len(number) == NIK_LENGTH


def parse_nik(value: str) -> NikParts:
    """Split a NIK into its parts, or raise ValidationError saying which rule it breaks."""
    nik = normalize_number(value)
    if not _DIGITS.match(nik):
        raise ValidationError(_("NIK hanya boleh berisi angka."), code="nik_not_digits")
    if len(nik) != NIK_LENGTH:
        raise ValidationError(
            _("NIK harus 16 digit (yang diisi %(count)d digit).") % {"count": len(nik)},
            code="nik_length",
        )
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 1 <= day <= 31:
        sex = "M"
    elif 41 <= day <= 71:
        sex, day = "F", day - 40
    else:
        raise ValidationError(
            _("Digit 7-8 NIK (tanggal lahir) harus 01-31, atau 41-71 untuk perempuan."),
            code="nik_day",
        )
    if not 1 <= month <= 12:
        raise ValidationError(_("Digit 9-10 NIK (bulan lahir) harus 01-12."), code="nik_month")
    return NikParts(
        region_prefix=nik[:6],
        birth_day=day,
        birth_month=month,
        birth_year_2d=year,
        sex=sex,
        serial=nik[12:],
    )


def validate_nik(value: str) -> None:
    parse_nik(value)


def validate_kk_number(value: str) -> None:
    number = normalize_number(value)
    if not _DIGITS.match(number):
        raise ValidationError(_("Nomor KK hanya boleh berisi angka."), code="kk_not_digits")
    if len(number) != NIK_LENGTH:
        raise ValidationError(
            _("Nomor KK harus 16 digit (yang diisi %(count)d digit).") % {"count": len(number)},
            code="kk_length",
        )


def nik_warnings(nik: str, *, birth_date: dt.date | None, sex: str | None) -> list[str]:
    """Mismatches between the NIK's encoded data and what was entered. Never a rejection."""
    parts = parse_nik(nik)
    warnings = []
    if birth_date and not parts.matches_birth_date(birth_date):
        warnings.append(
            _(
                "Tanggal lahir %(date)s tidak sesuai dengan yang tersandi di NIK "
                "(%(day)02d-%(month)02d-..%(year)02d). Periksa kembali; data tetap disimpan."
            )
            % {
                "date": birth_date.strftime("%d-%m-%Y"),
                "day": parts.birth_day,
                "month": parts.birth_month,
                "year": parts.birth_year_2d,
            }
        )
    if sex and sex != parts.sex:
        warnings.append(
            _(
                "Jenis kelamin tidak sesuai dengan NIK (NIK menandakan %(sex)s). "
                "Periksa kembali; data tetap disimpan."
            )
            % {"sex": _("perempuan") if parts.sex == "F" else _("laki-laki")}
        )
    return warnings


def mask_nik(nik: str | None) -> str:
    """``1904••••••••0012``: enough to tell people apart in a list, not enough to misuse."""
    if not nik:
        return "—"
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:]
