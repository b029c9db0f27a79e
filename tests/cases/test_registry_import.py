"""DTKS/DTSEN extract import (issue 14): dry run, commit, re-import, a newer file, every
error and warning kind, CSV and XLSX, the report, and the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from openpyxl import load_workbook

from cases.models import (
    DuplicatePair,
    Family,
    ImportState,
    LifeStatus,
    Person,
    RegistryImport,
    RegistryStatus,
)
from cases.registry_import.services import registry_import_commit, registry_import_create
from core.errors import Conflict
from scripts.make_registry_extract import main as make_extract
from tests.cases.import_files import (
    KK,
    KK_2,
    commit,
    csv_file,
    dry_run,
    extract_row,
    imported,
    xlsx_file,
)
from tests.conftest import AIR_MESU, KOTA_BENGKALIS, NIBUNG, NIK_FEMALE, NIK_MALE

pytestmark = pytest.mark.django_db

WIFE = extract_row(NIK=NIK_FEMALE, NAMA="Siti Aminah", JENIS_KELAMIN="P", TGL_LAHIR="12-08-1985")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_lines(registry_import) -> list[tuple]:
    with registry_import.report.open("rb") as stream:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True)
    return list(book.worksheets[1].iter_rows(values_only=True))[1:]


def issues_of(registry_import, number: int) -> list[tuple[str, str, str]]:
    """(result, column, message) of the report's lines for row ``number``."""
    return [(r[3], r[5], r[6]) for r in report_lines(registry_import) if r[0] == number]


def test_a_dry_run_reports_each_row_and_writes_nothing(staff):
    checked = dry_run(staff["backoffice"], csv_file([extract_row(), WIFE]))

    assert checked.state == ImportState.CHECKED and not checked.committed
    assert (checked.total_rows, checked.processed_rows) == (2, 2)
    assert (checked.accepted, checked.warnings, checked.errors) == (2, 0, 0)
    assert checked.created == 2  # what the commit would do
    assert not Person.objects.exists() and not Family.objects.exists()
    assert [line[3] for line in report_lines(checked)] == ["Diterima", "Diterima"]


def test_committing_creates_the_people_and_their_family_card_with_history(staff):
    done = imported(staff["backoffice"], csv_file([extract_row(), WIFE]))

    assert done.state == ImportState.DONE and done.committed
    assert (done.created, done.updated, done.unchanged) == (2, 0, 0)
    family = Family.objects.by_kk_number(KK).get()
    assert family.registry_status == RegistryStatus.IN_DTSEN
    assert family.decile == 1
    assert family.registry_as_of == dt.date(2025, 1, 31)
    assert family.registry_source == "impor file dtks.csv"
    budi = Person.objects.by_nik(NIK_MALE).get()
    assert budi.family == family and budi.search_name and budi.nik_index
    assert budi.region_id == NIBUNG and budi.created_by == staff["backoffice"]
    row = budi.history.get()
    assert row.history_user == staff["backoffice"]
    assert f"impor #{done.pk}" in row.history_change_reason
    assert family.history.get().history_user == staff["backoffice"]


def test_reimporting_the_same_file_changes_nothing(staff):
    content = csv_file([extract_row(), WIFE])
    imported(staff["backoffice"], content)
    history = Person.history.count() + Family.history.count()

    again = imported(staff["manajer"], content, name="dtks-lagi.csv")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Person.history.count() + Family.history.count() == history
    assert Family.objects.get().registry_source == "impor file dtks.csv"


def test_a_newer_file_updates_the_status_with_history_naming_the_importer(staff):
    imported(staff["backoffice"], csv_file([extract_row(), WIFE]))

    newer = csv_file([extract_row(DESIL="", STATUS="NON DTKS", TANGGAL_DATA="2025-07-31"), WIFE])
    done = imported(staff["manajer"], newer, name="dtks-juli.csv")

    assert (done.updated, done.unchanged) == (1, 1)
    family = Family.objects.get()
    assert family.registry_status == RegistryStatus.NOT_IN_DTSEN
    assert family.decile is None and family.registry_as_of == dt.date(2025, 7, 31)
    latest = family.history.latest("history_id")
    assert latest.history_user == staff["manajer"]
    assert "dtks-juli.csv" in latest.history_change_reason
    assert latest.registry_source == "impor file dtks-juli.csv"
    # Second row, same KK, gives the old values: warned, the first row of the KK decides.
    assert ("Peringatan", "STATUS") in [i[:2] for i in issues_of(done, 3)]


def test_an_older_file_does_not_roll_a_family_back(staff):
    imported(staff["backoffice"], csv_file([extract_row(TANGGAL_DATA="2025-07-31")]))

    older = imported(staff["backoffice"], csv_file([extract_row(DESIL="4")]), name="lama.csv")

    assert Family.objects.get().decile == 1
    assert older.unchanged == 1
    assert ("Peringatan", "TANGGAL_DATA") in [i[:2] for i in issues_of(older, 2)]


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"NIK": "1904011208850"}, "NIK"),
        ({"NIK": "1904019908850001"}, "NIK"),
        ({"NIK": ""}, "NIK"),
        ({"NO_KK": "12345"}, "NO_KK"),
        ({"NAMA": ""}, "NAMA"),
        ({"JENIS_KELAMIN": "X"}, "JENIS_KELAMIN"),
        ({"KODE_WILAYAH": "19.04.01.9999"}, "KODE_WILAYAH"),
        ({"KODE_WILAYAH": "19.04.01"}, "KODE_WILAYAH"),
        ({"KODE_WILAYAH": KOTA_BENGKALIS}, "KODE_WILAYAH"),
        ({"TGL_LAHIR": "31-02-1985"}, "TGL_LAHIR"),
        ({"TGL_LAHIR": "12-08-2999"}, "TGL_LAHIR"),
        ({"TANGGAL_DATA": "kemarin"}, "TANGGAL_DATA"),
        ({"TANGGAL_DATA": "2009-01-01"}, "TANGGAL_DATA"),
        ({"TANGGAL_DATA": ""}, "TANGGAL_DATA"),
        ({"DESIL": "11"}, "DESIL"),
        ({"DESIL": "0"}, "DESIL"),
        ({"DESIL": "3", "STATUS": "NON DTKS"}, "DESIL"),
        ({"STATUS": "mungkin"}, "STATUS"),
        ({"RT": "12345"}, "RT"),
    ],
)
def test_a_row_breaking_a_rule_is_an_error_naming_its_column_and_is_not_written(
    staff, overrides, column
):
    done = imported(staff["backoffice"], csv_file([extract_row(**overrides)]))

    assert (done.errors, done.created) == (1, 0)
    assert [i[:2] for i in issues_of(done, 2)] == [("Galat", column)]
    assert not Person.objects.exists()


def test_the_same_nik_twice_in_a_file_is_an_error_on_the_second_row(staff):
    done = imported(staff["backoffice"], csv_file([extract_row(), extract_row(NAMA="Budi S")]))

    assert (done.created, done.errors) == (1, 1)
    assert issues_of(done, 3)[0][2] == "NIK yang sama sudah ada di baris 2."


def test_a_person_registered_outside_the_importers_area_is_an_error(staff):
    imported(staff["manajer"], csv_file([extract_row(KODE_WILAYAH=AIR_MESU)]))
    village_officer = staff["backoffice"]
    village_officer.memberships.update(area_id="19.04.01")

    done = imported(village_officer, csv_file([extract_row(NO_KK=KK_2)]))

    assert done.errors == 1
    assert "di luar wilayah kerja Anda" in issues_of(done, 2)[0][2]
    assert Person.objects.get().region_id == AIR_MESU


def test_a_nik_whose_encoded_birth_date_or_sex_disagrees_is_a_warning(staff):
    row = extract_row(TGL_LAHIR="13-08-1985", JENIS_KELAMIN="P")

    done = imported(staff["backoffice"], csv_file([row]))

    assert (done.warnings, done.created) == (1, 1)
    assert [i[:2] for i in issues_of(done, 2)] == [("Peringatan", "NIK"), ("Peringatan", "NIK")]


def test_a_likely_duplicate_is_warned_and_kept_as_an_open_pair(staff):
    imported(staff["backoffice"], csv_file([extract_row()]))
    near = extract_row(NIK="1904011208850009", NAMA="Boedi Santoso", NO_KK=KK_2)

    checked = dry_run(staff["backoffice"], csv_file([near]))
    assert checked.duplicates == 1
    assert "Kemungkinan data ganda: Budi Santoso" in issues_of(checked, 2)[0][2]
    done = commit(staff["backoffice"], checked)

    pair = DuplicatePair.objects.get()
    assert {pair.person_a.full_name, pair.person_b.full_name} == {"Budi Santoso", "Boedi Santoso"}
    assert done.duplicates == 1


def test_a_row_whose_nik_finds_a_merged_record_applies_to_the_record_kept(staff):
    imported(staff["backoffice"], csv_file([extract_row()]))
    tombstone = Person.objects.get()
    survivor = Person.objects.create(
        full_name="Budi Santoso", no_nik_reason="belum ada", sex="M", region_id=NIBUNG
    )
    Person.objects.filter(pk=tombstone.pk).update(
        merged_into=survivor, life_status=LifeStatus.MERGED, family=None
    )

    done = imported(staff["backoffice"], csv_file([extract_row()]), name="lagi.csv")

    assert (done.created, done.updated) == (0, 1)
    survivor.refresh_from_db()
    assert survivor.family == Family.objects.get()


def test_an_xlsx_extract_with_other_header_spellings_imports(staff):
    header = ["nik", "No KK", "NAMA", "JENIS KELAMIN", "TGL_LAHIR", "kode_wilayah", "DESIL",
              "STATUS", "TANGGAL_DATA"]  # fmt: skip
    row = extract_row(TGL_LAHIR="1985-08-12", TANGGAL_DATA=dt.date(2025, 1, 31))
    row.update({"nik": row["NIK"], "No KK": row["NO_KK"], "JENIS KELAMIN": "L"})
    row["kode_wilayah"] = NIBUNG

    done = imported(staff["backoffice"], xlsx_file([row], header), name="dtks.xlsx")

    assert (done.created, done.errors) == (1, 0)
    assert Person.objects.get().birth_date == dt.date(1985, 8, 12)


def test_a_semicolon_csv_imports(staff):
    done = imported(staff["backoffice"], csv_file([extract_row()], delimiter=";"))

    assert done.created == 1


def test_a_file_without_a_required_column_fails_with_the_reason(staff):
    content = csv_file([{"NIK": NIK_MALE, "NAMA": "Budi"}])

    failed = dry_run(staff["backoffice"], content)

    assert failed.state == ImportState.FAILED
    assert failed.failure == "Kolom wajib tidak ada: NO_KK, KODE_WILAYAH, STATUS, TANGGAL_DATA."


def test_the_report_and_the_stored_file_never_hold_a_whole_nik(staff):
    name = f"dtks {NIK_MALE}.csv"
    done = imported(staff["backoffice"], csv_file([extract_row(), WIFE]), name=name)

    assert NIK_MALE not in done.display_name and NIK_MALE not in done.file.name
    assert done.file.name.startswith("imports/") and done.report.name.startswith("imports/")
    with done.report.open("rb") as stream:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True)
    cells = [
        str(c) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r
    ]
    assert not [cell for cell in cells if NIK_MALE in cell or NIK_FEMALE in cell]
    assert "1904••••••••0001" in cells


def test_the_command_prints_the_counts_of_a_dry_run_and_of_the_commit(staff, tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_bytes(csv_file([extract_row(), WIFE]))
    out = io.StringIO()

    call_command("import_registry", str(path), "--dry-run", "--user", "backoffice", stdout=out)
    assert "Dry run" in out.getvalue() and "Data baru: 2" in out.getvalue()
    assert not Person.objects.exists()

    call_command("import_registry", str(path), "--user", "backoffice", stdout=out)
    assert "Imported" in out.getvalue()
    assert Person.objects.count() == 2


def test_two_rows_of_one_file_that_look_like_one_person_are_warned_and_paired(staff):
    twin = extract_row(NIK="1904011208850009", NAMA="Boedi Santoso", NO_KK=KK_2)

    checked = dry_run(staff["backoffice"], csv_file([extract_row(), twin]))
    assert checked.duplicates == 1
    assert "baris 2 (Budi Santoso)" in issues_of(checked, 3)[0][2]
    done = commit(staff["backoffice"], checked)

    assert done.duplicates == 1
    pair = DuplicatePair.objects.get()
    assert {pair.person_a.full_name, pair.person_b.full_name} == {"Budi Santoso", "Boedi Santoso"}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_generated_extract_imports_whole_with_families_sharing_a_card(staff, tmp_path, suffix):
    path = tmp_path / f"dtks.{suffix}"
    villages = f"{NIBUNG},{AIR_MESU}"
    make_extract(
        [
            str(path),
            "--rows",
            "60",
            "--villages",
            villages,
            "--errors",
            "0",
            "--near-duplicates",
            "0",
        ]
    )

    done = imported(staff["backoffice"], path.read_bytes(), name=path.name)

    assert (done.total_rows, done.errors, done.created) == (60, 0, 60)
    sizes = [f.members.count() for f in Family.objects.all()]
    assert min(sizes[:-1]) >= 2 and max(sizes) <= 6  # the last family may be cut short


def test_a_commit_that_failed_half_way_can_be_run_again_and_finishes(staff):
    checked = dry_run(staff["backoffice"], csv_file([extract_row(), WIFE]))
    registry_import_commit(actor=staff["backoffice"], import_id=checked.pk)
    RegistryImport.objects.filter(pk=checked.pk).update(state=ImportState.FAILED)

    done = commit(staff["backoffice"], checked)

    assert done.state == ImportState.DONE and Person.objects.count() == 2


def test_an_import_still_being_checked_cannot_be_committed(staff):
    waiting = registry_import_create(
        actor=staff["backoffice"],
        kind="extract",
        file=ContentFile(csv_file([extract_row()])),
        filename="dtks.csv",
    )

    with pytest.raises(Conflict):
        registry_import_commit(actor=staff["backoffice"], import_id=waiting.pk)


def test_a_file_that_is_no_spreadsheet_fails_with_the_reason(staff):
    failed = dry_run(staff["backoffice"], b"PK\x03\x04 not really a zip", name="dtks.xlsx")

    assert failed.state == ImportState.FAILED
    assert failed.failure == "Berkas tidak dapat dibaca: simpan sebagai CSV atau XLSX."
