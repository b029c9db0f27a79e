"""NIK (Nomor Induk Kependudukan), No. KK and phone number rules.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, regency and district of first
registration, day of birth (plus 40 for women), month, two-digit year, serial. The region
prefix is not checked against the code list (districts get split) and the encoded date only
warns: NIKs with a wrong encoded date exist and are not reissued.

Every number typed or pasted (NIK, No. KK, phone) goes through ``normalize_number`` (or
``normalize_phone``) before it is validated, looked up, indexed or stored, and what is left
must be ASCII ``0-9``. Digits are checked with ``[0-9]``, never ``\\d`` or ``str.isdigit()``:
both also accept other scripts' digits (``١٩٠٤``), which would give one NIK two spellings,
two blind indexes and so two people.

Why other scripts' digits are refused, not converted: NFKC already folds the compatibility
forms phone keyboards and East Asian input methods produce (full-width ``１９０４``, and the
no-break and ideographic spaces), which are the same characters by definition. Arabic-Indic
(``١٩٠٤``) or Devanagari digits are different characters that NFKC keeps; KTP and KK print
Latin digits, so such a number was not copied from the card. The officer is told which field
to retype rather than the system guessing, and the stored number is always exactly what the
officer sees.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NIK_LENGTH = 16
ASCII_DIGITS = re.compile(r"[0-9]+")
_PHONE = re.compile(r"\+?[0-9]+")
# The wrong-length messages, also shown while the number is typed (cases.forms.digits_hint).
NIK_LENGTH_MESSAGE = gettext_lazy("NIK harus 16 digit (yang diisi %(count)d digit).")
KK_LENGTH_MESSAGE = gettext_lazy("Nomor KK harus 16 digit (yang diisi %(count)d digit).")


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


def _is_separator(char: str) -> bool:
    """Spaces (no-break and ideographic ones too), dots, dashes of any kind, and the
    invisible format characters a paste can carry (zero-width space and joiners, word
    joiner, byte order mark, soft hyphen: Unicode category Cf)."""
    return char.isspace() or char == "." or unicodedata.category(char) in ("Pd", "Cf")


def normalize_number(value: str | None) -> str:
    """``value`` in NFKC with its separators removed: full-width digits with a no-break or
    zero-width space between them become ``"19040112..."``. Not a validation: the result may
    still hold letters or other scripts' digits; ``parse_nik`` and ``validate_kk_number``
    check it with ``is_ascii_digits``."""
    if value is None or is_ascii_digits(value):
        return value or ""  # already as stored: the common case, kept fast for imports
    text = unicodedata.normalize("NFKC", value)
    return "".join(char for char in text if not _is_separator(char))


def is_ascii_digits(value: str) -> bool:
    """Only ``0-9`` (not ``str.isdigit()``, which is also true for ``١٩٠٤`` and ``²``)."""
    return ASCII_DIGITS.fullmatch(value) is not None


def looks_like_nik(value: str) -> bool:
    """Whether a search term is meant as a NIK or KK number: 16 digits once normalised, in
    any script, so that a NIK typed in Arabic-Indic digits is also kept out of URLs and
    logs. Whether it is a valid NIK is ``parse_nik``'s call."""
    number = normalize_number(value)
    return len(number) == NIK_LENGTH and number.isdecimal()


# A run of 15 or more digits, with any separators people type between them: a NIK or a KK
# number (16), a mistyped one (15, 17), or one written "NIK 1904...", "nik:1904...". A case
# number ("1904-2026-000123") has 14 and stays a plain search.
_ID_NUMBER_RUN = re.compile(r"\d(?:[\W_]*\d){14,}")


def holds_id_number(value: str) -> bool:
    """Whether a search term holds something that may be a NIK or KK number (a run of 15 or
    more digits in any script, separators allowed, anywhere in the term): such a term is
    answered from a POST body and never put in a URL, a redirect or a log line."""
    return _ID_NUMBER_RUN.search(unicodedata.normalize("NFKC", value or "")) is not None


def mask_id_numbers_in(value: str) -> str:
    """``value`` with each run ``holds_id_number`` finds shown as its first four and last
    four digits (as ``mask_nik``), for a search term repeated on a page or in a file."""

    def masked(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return digits[:4] + "\u2022" * (len(digits) - 8) + digits[-4:]

    return _ID_NUMBER_RUN.sub(masked, unicodedata.normalize("NFKC", value or ""))


def parse_nik(value: str) -> NikParts:
    """Split a NIK into its parts, or raise ValidationError saying which rule it breaks.

    ``value`` is normalised first (``normalize_number``); anything but ASCII digits left
    is refused (code ``nik_not_digits``)."""
    nik = normalize_number(value)
    if not is_ascii_digits(nik):
        raise ValidationError(_("NIK hanya boleh berisi angka 0-9."), code="nik_not_digits")
    if len(nik) != NIK_LENGTH:
        raise ValidationError(
            NIK_LENGTH_MESSAGE % {"count": len(nik)},
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
    """16 ASCII digits once normalised, or ValidationError (``kk_not_digits``, ``kk_length``)."""
    number = normalize_number(value)
    if not is_ascii_digits(number):
        raise ValidationError(_("Nomor KK hanya boleh berisi angka 0-9."), code="kk_not_digits")
    if len(number) != NIK_LENGTH:
        raise ValidationError(
            KK_LENGTH_MESSAGE % {"count": len(number)},
            code="kk_length",
        )


def normalize_phone(value: str | None) -> str:
    """A phone number in NFKC with its separators removed (those of ``normalize_number``
    and brackets: ``"(0761) 123-456"`` becomes ``"0761123456"``). A ``+`` is kept; whether
    it is only at the start is ``validate_phone``'s check."""
    return "".join(char for char in normalize_number(value) if char not in "()")


def validate_phone(value: str) -> None:
    """ASCII digits, optionally after one leading ``+``, once normalised; else
    ValidationError (code ``phone_not_digits``). Empty is allowed (the phone is optional)."""
    number = normalize_phone(value)
    if number and _PHONE.fullmatch(number) is None:
        raise ValidationError(
            _("Nomor telepon hanya boleh berisi angka 0-9 (boleh diawali +)."),
            code="phone_not_digits",
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
                "date": date_format(birth_date, "j M Y"),
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
