"""Death list import (issue 14): the civil registry's list of deaths marks the matched
people deceased, with history naming the importer; unmatched NIKs are reported masked; the
open cases and pending referrals of the people marked are listed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cases.models import ImportState, LifeStatus, Person
from referrals.selectors import cases_affected_by_import, cases_needing_validation
from tests.cases.import_files import csv_file, dry_run, imported
from tests.conftest import NIBUNG, NIK_FEMALE, NIK_MALE, intake, person
from tests.workflows.test_case_flow import refer, verify

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "1904011501900003"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def deaths(*rows: dict) -> bytes:
    return csv_file(list(rows), header=["NIK", "TANGGAL_MENINGGAL", "SUMBER"])


def death(nik: str = NIK_MALE, date: str = "30-10-2026", source: str = "") -> dict:
    return {"NIK": nik, "TANGGAL_MENINGGAL": date, "SUMBER": source}


def report_cells(registry_import) -> list[str]:
    with registry_import.report.open("rb") as stream:
        book = load_workbook(io.BytesIO(stream.read()), read_only=True)
    return [str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r]


def test_a_death_list_marks_the_matched_people_deceased_with_history(staff):
    budi = intake(staff["petugas"]).case.beneficiary

    checked = dry_run(staff["backoffice"], deaths(death()), kind="deaths", name="mati.csv")
    assert checked.state == ImportState.CHECKED and checked.updated == 1
    budi.refresh_from_db()
    assert budi.life_status == LifeStatus.ACTIVE  # a dry run writes nothing

    done = imported(staff["backoffice"], deaths(death()), kind="deaths", name="mati.csv")

    budi.refresh_from_db()
    assert (budi.life_status, budi.life_status_date) == ("deceased", dt.date(2026, 10, 30))
    assert budi.life_status_source == "Dukcapil"
    record = budi.history.latest("history_id")
    assert record.history_user == staff["backoffice"]
    assert "mati.csv" in record.history_change_reason
    assert list(done.people_marked.all()) == [budi]


def test_the_same_death_list_again_changes_nothing(staff):
    budi = intake(staff["petugas"]).case.beneficiary
    imported(staff["backoffice"], deaths(death(source="Akta 123")), kind="deaths")
    history = budi.history.count()

    again = imported(staff["backoffice"], deaths(death(source="Akta 123")), kind="deaths")

    assert (again.updated, again.unchanged) == (0, 1)
    assert budi.history.count() == history


def test_unmatched_niks_are_reported_masked_and_people_of_other_areas_are_not_told(staff):
    bengkalis = intake(
        staff["petugas_bks"],
        applicant=person(nik=NIK_FEMALE, full_name="Siti", sex="F", region_code="14.03.01.1001"),
    ).case.beneficiary

    done = imported(
        staff["backoffice"], deaths(death(UNKNOWN_NIK), death(NIK_FEMALE)), kind="deaths"
    )

    assert (done.unmatched, done.updated) == (2, 0)
    cells = report_cells(done)
    assert UNKNOWN_NIK not in " ".join(cells) and NIK_FEMALE not in " ".join(cells)
    assert "1904••••••••0003" in cells
    bengkalis.refresh_from_db()
    assert bengkalis.life_status == LifeStatus.ACTIVE


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (death(date="30-10-2999"), "TANGGAL_MENINGGAL"),
        (death(date="bukan tanggal"), "TANGGAL_MENINGGAL"),
        (death(date="01-01-1980"), "TANGGAL_MENINGGAL"),  # before the birth (1985)
        (death(date=""), "TANGGAL_MENINGGAL"),
        (death(nik="123"), "NIK"),
    ],
)
def test_a_death_row_breaking_a_rule_is_an_error(staff, row, column):
    budi = intake(staff["petugas"]).case.beneficiary

    done = imported(staff["backoffice"], deaths(row), kind="deaths")

    assert done.errors == 1 and column in report_cells(done)
    budi.refresh_from_db()
    assert budi.life_status == LifeStatus.ACTIVE


def test_a_death_of_a_merged_record_marks_the_record_kept(staff):
    tombstone = intake(staff["petugas"]).case.beneficiary
    survivor = Person.objects.create(
        full_name="Budi Santoso", no_nik_reason="belum ada", sex="M", region_id=NIBUNG
    )
    Person.objects.filter(pk=tombstone.pk).update(
        merged_into=survivor, life_status=LifeStatus.MERGED
    )

    imported(staff["backoffice"], deaths(death()), kind="deaths")

    survivor.refresh_from_db()
    assert survivor.life_status == LifeStatus.DECEASED


def test_the_open_cases_and_pending_referrals_of_the_people_marked_are_listed(staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    other = intake(
        staff["petugas"],
        applicant=person(nik=NIK_FEMALE, full_name="Siti Aminah", sex="F"),
    ).case

    done = imported(staff["backoffice"], deaths(death()), kind="deaths")

    assert list(cases_affected_by_import(staff["backoffice"], done)) == [case]
    assert other not in cases_needing_validation(staff["backoffice"])
    assert not cases_affected_by_import(staff["petugas_bks"], done).exists()
