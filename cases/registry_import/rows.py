"""One row of an imported file checked on its own (no database): the values it gives,
cleaned, and what is wrong with it, each issue naming its column and the rule."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.limits import EARLIEST_BIRTH_DATE
from cases.models import RegistryStatus, Relationship, Sex, rt_rw_validator
from cases.models.registry import SEARCH_NAME_LENGTH
from cases.names import clean_name
from cases.nik import mask_nik, nik_warnings, normalize_number, parse_nik, validate_kk_number
from cases.registry_import.reading import NUMERIC_CELLS
from cases.services.corrections import REGISTRY_FIRST_DAY

ERROR, WARNING = "error", "warning"

# How the columns are named in messages and the report.
LABELS = {
    "nik": "NIK",
    "kk_number": "NO_KK",
    "full_name": "NAMA",
    "sex": "JENIS_KELAMIN",
    "birth_place": "TEMPAT_LAHIR",
    "birth_date": "TGL_LAHIR",
    "street": "ALAMAT",
    "rt": "RT",
    "rw": "RW",
    "region_code": "KODE_WILAYAH",
    "decile": "DESIL",
    "status": "STATUS",
    "as_of": "TANGGAL_DATA",
    "relationship": "HUBUNGAN",
    "death_date": "TANGGAL_MENINGGAL",
    "source": "SUMBER",
}
_SEX = {"l": Sex.MALE, "lk": Sex.MALE, "lakilaki": Sex.MALE, "laki": Sex.MALE, "m": Sex.MALE,
        "1": Sex.MALE, "p": Sex.FEMALE, "pr": Sex.FEMALE, "perempuan": Sex.FEMALE,
        "wanita": Sex.FEMALE, "f": Sex.FEMALE, "2": Sex.FEMALE}  # fmt: skip
_STATUS = {
    RegistryStatus.IN_DTSEN: ["dtks", "dtsen", "terdaftar", "ya", "1", "indtsen", "masuk"],
    RegistryStatus.NOT_IN_DTSEN: [
        "nondtks", "nondtsen", "tidakterdaftar", "tidak", "0", "notindtsen", "keluar",
        "bukandtks",
    ],
}  # fmt: skip
_STATUS_BY_WORD = {word: status for status, words in _STATUS.items() for word in words}
_RELATIONSHIP = {
    "kepalakeluarga": Relationship.HEAD, "kepala": Relationship.HEAD, "1": Relationship.HEAD,
    "istri": Relationship.SPOUSE, "suami": Relationship.SPOUSE, "istrisuami": Relationship.SPOUSE,
    "2": Relationship.SPOUSE, "anak": Relationship.CHILD, "3": Relationship.CHILD,
    "menantu": Relationship.IN_LAW, "mertua": Relationship.IN_LAW,
    "cucu": Relationship.GRANDCHILD, "orangtua": Relationship.PARENT,
    "famililain": Relationship.OTHER, "lainnya": Relationship.OTHER,
}  # fmt: skip
# yyyy-mm-dd (or / .), and dd-mm-yyyy (or / .): what extracts write.
YEAR_FIRST = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
DAY_FIRST = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
BEFORE_1900 = gettext_lazy("Tanggal lahir tidak boleh sebelum tahun 1900.")
EVENT_BEFORE_1900 = gettext_lazy("Tanggal tidak boleh sebelum tahun 1900.")
BEFORE_DTKS = gettext_lazy("Tanggal data tidak boleh sebelum DTKS ada (2011).")


def _word(value: str) -> str:
    return "".join(char for char in value.lower() if char.isalnum())


@dataclass
class Issue:
    level: str  # ERROR or WARNING
    column: str
    message: str


@dataclass
class Row:
    """A row's cleaned values (``values``, by our column names) and its issues. ``action``
    is what the import did or would do with it (``created``, ``updated``, ``unchanged``)."""

    number: int
    nik: str
    values: dict = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    action: str = ""

    def error(self, column: str, message: str | Promise) -> None:
        self.issues.append(Issue(ERROR, LABELS.get(column, column), str(message)))

    def warn(self, column: str, message: str | Promise) -> None:
        self.issues.append(Issue(WARNING, LABELS.get(column, column), str(message)))

    @property
    def has_errors(self) -> bool:
        return any(issue.level == ERROR for issue in self.issues)

    @property
    def has_warnings(self) -> bool:
        return any(issue.level == WARNING for issue in self.issues)


def parse_date(value: str) -> dt.date | None:
    """A date written dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd (a time after it is ignored);
    None when empty; ValueError when it is not one of these."""
    text = value.strip().split(" ")[0].split("T")[0]
    if not text:
        return None
    if match := YEAR_FIRST.fullmatch(text):
        year, month, day = match.groups()
    elif match := DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return dt.date(int(year), int(month), int(day))  # ValueError for 31-02


def _date(row: Row, cells: dict, column: str, *, earliest: dt.date, too_early: Promise) -> None:
    try:
        value = parse_date(cells.get(column, ""))
    except ValueError:
        row.error(column, _("Bukan tanggal yang dikenali (dd-mm-yyyy atau yyyy-mm-dd)."))
        return
    if value is not None and value > timezone.localdate():
        row.error(column, _("Tanggal tidak boleh di masa depan."))
    elif value is not None and value < earliest:
        row.error(column, too_early)
    else:
        row.values[column] = value


EXCEL_NUMBER = gettext_lazy(
    "Tersimpan sebagai angka di Excel: Excel hanya menyimpan 15 digit, digit ke-16 bisa "
    "berubah. Format kolom ini sebagai Teks dan ekspor ulang."
)


SCIENTIFIC = gettext_lazy(
    "NIK tertulis dalam notasi ilmiah (mis. 1,90401E+15): Excel mengubahnya menjadi angka dan "
    "digitnya hilang. Format kolom NIK sebagai Teks dan ekspor ulang."
)


def dotted_region_code(code: str) -> str:
    """A Kemendagri code as stored (``19.04.01.2003``), also when a file gives it without
    dots (``1904012003``, as many spreadsheets do); anything else as it came."""
    if code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 10):
        return ".".join(part for part in (code[:2], code[2:4], code[4:6], code[6:]) if part)
    return code


def _stored_as_number(cells: dict, column: str) -> bool:
    return column in cells.get(NUMERIC_CELLS, "").split(",")


def _nik(row: Row, cells: dict) -> None:
    if "E+" in cells.get("nik", "").upper():
        row.values["masked_nik"] = "•"
        row.error("nik", SCIENTIFIC)
        return
    row.nik = normalize_number(cells.get("nik", ""))
    if row.nik and _stored_as_number(cells, "nik"):
        row.values["masked_nik"] = mask_nik(row.nik)
        row.error("nik", EXCEL_NUMBER)
        row.nik = ""
        return
    # The report names a row by its number and this, never the whole NIK.
    row.values["masked_nik"] = mask_nik(row.nik) if len(row.nik) >= 8 else "•" * len(row.nik)
    if not row.nik:
        row.error("nik", _("NIK kosong."))
        return
    try:
        parse_nik(row.nik)
    except ValidationError as error:
        row.error("nik", " ".join(error.messages))
        row.nik = ""


def check_extract_row(number: int, cells: dict) -> Row:
    """The checks of one extract row that need no database."""
    row = Row(number, "")
    _nik(row, cells)
    kk_number = normalize_number(cells.get("kk_number", ""))
    if kk_number and _stored_as_number(cells, "kk_number"):
        row.error("kk_number", EXCEL_NUMBER)
    else:
        try:
            validate_kk_number(kk_number)
            row.values["kk_number"] = kk_number
        except ValidationError as error:
            message = " ".join(error.messages) if kk_number else _("No. KK kosong.")
            row.error("kk_number", message)
    name = clean_name(cells.get("full_name", ""))
    if not name:
        row.error("full_name", _("Nama kosong."))
    elif len(name) > SEARCH_NAME_LENGTH:
        row.error("full_name", _("Nama lebih dari 150 karakter."))
    row.values["full_name"] = name
    _sex(row, cells)
    _date(row, cells, "birth_date", earliest=EARLIEST_BIRTH_DATE, too_early=BEFORE_1900)
    if row.nik and not row.has_errors:
        for warning in nik_warnings(
            row.nik, birth_date=row.values.get("birth_date"), sex=row.values.get("sex")
        ):
            row.warn("nik", warning)
    _address(row, cells)
    _registry(row, cells)
    return row


def _sex(row: Row, cells: dict) -> None:
    text = _word(cells.get("sex", ""))
    if text in _SEX:
        row.values["sex"] = _SEX[text]
    elif text:
        row.error("sex", _("Jenis kelamin harus L atau P."))
    elif row.nik:  # not given: the NIK tells it
        row.values["sex"] = parse_nik(row.nik).sex
    else:
        row.error("sex", _("Jenis kelamin kosong."))


def _address(row: Row, cells: dict) -> None:
    row.values["birth_place"] = cells.get("birth_place", "")[:100]
    row.values["street"] = cells.get("street", "")[:255]
    rt, rw = cells.get("rt", ""), cells.get("rw", "")
    if "/" in cells.get("rt_rw", ""):
        rt, rw = (part.strip() for part in cells["rt_rw"].split("/", 1))
    for column, value in (("rt", rt), ("rw", rw)):
        try:
            if value:
                rt_rw_validator(value)
            row.values[column] = value
        except ValidationError as error:
            row.error(column, " ".join(error.messages))
    row.values["region_code"] = dotted_region_code(cells.get("region_code", "").strip())
    if not row.values["region_code"]:
        row.error("region_code", _("Kode wilayah kosong."))
    relationship = _word(cells.get("relationship", ""))
    row.values["relationship"] = _RELATIONSHIP.get(relationship, "")
    if relationship and relationship not in _RELATIONSHIP:
        row.warn("relationship", _("Hubungan dalam KK tidak dikenal; dibiarkan kosong."))


def _registry(row: Row, cells: dict) -> None:
    status = _STATUS_BY_WORD.get(_word(cells.get("status", "")))
    if status is None:
        row.error("status", _("Status harus DTKS/TERDAFTAR atau NON DTKS/TIDAK TERDAFTAR."))
    row.values["status"] = status
    decile = cells.get("decile", "").strip()
    row.values["decile"] = None
    if decile:
        if not decile.isascii() or not decile.isdigit() or not 1 <= int(decile) <= 10:
            row.error("decile", _("Desil harus angka 1 sampai 10."))
        elif status == RegistryStatus.NOT_IN_DTSEN:
            row.error("decile", _("Desil hanya diisi untuk keluarga yang terdaftar di DTKS/DTSEN."))
        else:
            row.values["decile"] = int(decile)
    if not cells.get("as_of", "").strip():
        row.error("as_of", _("Tanggal data kosong."))
        return
    _date(row, cells, "as_of", earliest=REGISTRY_FIRST_DAY, too_early=BEFORE_DTKS)


def check_death_row(number: int, cells: dict, *, default_source: str) -> Row:
    """The checks of one death list row that need no database."""
    row = Row(number, "")
    _nik(row, cells)
    if not cells.get("death_date", "").strip():
        row.error("death_date", _("Tanggal meninggal kosong."))
    else:
        _date(row, cells, "death_date", earliest=EARLIEST_BIRTH_DATE, too_early=EVENT_BEFORE_1900)
    row.values["source"] = (cells.get("source", "").strip() or default_source)[:150]
    return row
