"""Exports (issue 15): the case list, the inbox, the agency queue, the dashboard and the
access log as XLSX and CSV, in the user's scope, NIK masked, access-logged; long ones in
the background, downloadable by their requester only, for a day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.exports import exports_purge_expired
from cases.models import AccessLog, Export, ExportState
from core.spreadsheets import filter_date
from tests.conftest import KOTA_BENGKALIS, NIK_MALE, intake, make_user, person, referred_case
from web.export_job import run_export
from workflows.background import run_periodic_jobs

START = "export_start"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def nik(i: int) -> str:
    return f"19040112088{i + 10:05d}"


NAMES = ["Budi Santoso", "Siti Aminah", "Agus Salim", "Dewi Lestari", "Rudi Hartono"]
NAMES += ["Wati Suryani", "Joko Widodo", "Rina Marlina", "Eko Prasetyo", "Yanti Kusuma"]


def open_cases(staff, n: int, start: int = 0) -> list:
    return [
        intake(staff["petugas"], applicant=person(nik=nik(i), full_name=NAMES[i])).case
        for i in range(start, start + n)
    ]


def xlsx_rows(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def export(client, what: str, format: str, **params):
    return client.post(reverse(START, args=[what]), {"format": format, **params})


# --- Each format opened and checked ------------------------------------------------------


def test_case_list_exports_to_excel_with_who_when_filters_and_masked_nik(client, staff):
    cases = open_cases(staff, 2)
    client.force_login(staff["manajer"])
    response = export(client, "cases", "xlsx", q="Siti")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="daftar-kasus-' in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0][0].startswith("Diekspor oleh manajer pada ")
    assert rows[0][0].endswith("; filter: Cari: Siti")
    assert rows[1][:6] == ["Nomor kasus", "Jenis", "Tahap", "Status", "Penerima manfaat", "NIK"]
    assert len(rows) == 3
    assert rows[2][0] == cases[1].number and rows[2][4] == "Siti Aminah"
    assert rows[2][5] == "1904••••••••0011"
    assert isinstance(rows[2][7], dt.datetime)  # opened, local time
    assert nik(1).encode() not in response.content


def test_case_list_exports_to_csv_with_the_stage_filter(client, staff):
    cases = open_cases(staff, 2)
    client.force_login(staff["backoffice"])
    response = export(client, "cases", "csv", stage="verification")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0][0].startswith("Diekspor oleh backoffice pada ")
    assert rows[0][0].endswith("; filter: Tahap: Verifikasi")
    assert sorted(r[0] for r in rows[2:]) == sorted(c.number for c in cases)
    assert {r[5] for r in rows[2:]} == {"1904••••••••0010", "1904••••••••0011"}
    assert export(client, "cases", "csv", stage="closed").streaming  # no rows, still a file
    assert csv_rows(export(client, "cases", "csv", stage="closed"))[2:] == []


def test_case_list_export_applies_every_filter_of_the_list(client, staff):
    cases = open_cases(staff, 3)
    client.force_login(staff["manajer"])
    today = timezone.localdate().isoformat()
    params = {"region": "19.04", "kind": "service_request", "opened_from": today, "sort": "opened"}
    rows = csv_rows(export(client, "cases", "csv", **params))
    assert [r[0] for r in rows[2:]] == [c.number for c in cases]  # oldest first, as sorted
    assert "Jenis: Permohonan layanan" in rows[0][0] and "Dibuka sejak: " in rows[0][0]
    assert csv_rows(export(client, "cases", "csv", kind="complaint"))[2:] == []


def test_case_list_export_refuses_a_bad_filter_naming_the_field(client, staff):
    open_cases(staff, 1)
    client.force_login(staff["manajer"])
    response = export(client, "cases", "csv", opened_from="2026-13-01")
    assert response.status_code == 400
    assert "Dibuka sejak" in response.content.decode()
    response = export(client, "cases", "xlsx", region=KOTA_BENGKALIS)
    assert response.status_code == 400 and "Wilayah" in response.content.decode()


def test_a_nik_search_exports_with_the_nik_masked_in_the_first_line(client, staff):
    open_cases(staff, 2)
    client.force_login(staff["backoffice"])
    response = export(client, "cases", "csv", q=nik(0))
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    assert nik(0) not in raw and "Cari: 1904••••••••0010" in raw
    assert len(list(csv.reader(io.StringIO(raw)))) == 3


def test_inbox_exports_the_tasks_i_can_act_on(client, staff):
    cases = open_cases(staff, 2)
    client.force_login(staff["peksos"])
    rows = xlsx_rows(export(client, "tasks", "xlsx"))
    assert rows[0][0].endswith("filter: tanpa filter")
    assert rows[1][0] == "Tugas"
    assert sorted(r[1] for r in rows[2:]) == sorted(c.number for c in cases)
    assert {r[0] for r in rows[2:]} == {"Verifikasi (kunjungan rumah)"}
    assert all("••••" in r[3] for r in rows[2:])


def test_agency_queue_exports_its_kind_filter_and_only_its_agency(client, staff):
    ours = referred_case(staff, nik=nik(1), services=["pbi-jk"])
    client.force_login(staff["kadinkes"])
    rows = csv_rows(export(client, "queue", "csv", kind="referral_review"))
    assert "Jenis tugas:" in rows[0][0]
    assert [r[1] for r in rows[2:]] == [ours.number]
    assert rows[2][3] == "1904••••••••0011"
    client.force_login(staff["dinsos"])
    assert csv_rows(export(client, "queue", "csv"))[2:] == []


def test_dashboard_exports_its_tables_as_sheets_and_as_one_csv(client, staff):
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    response = export(client, "dashboard", "xlsx")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [
        "Kasus per tahap",
        "Per instansi",
        "Per kecamatan",
        "Per minggu",
        "Kinerja instansi per bulan",
    ]
    stages = {r[0]: r[1] for r in book["Kasus per tahap"].iter_rows(min_row=3, values_only=True)}
    assert stages["Verifikasi"] == 2
    weeks = list(book["Per minggu"].iter_rows(min_row=3, values_only=True))
    assert sum(w[1] for w in weeks) == 2
    rows = csv_rows(export(client, "dashboard", "csv"))
    assert rows[0][0].startswith("Diekspor oleh manajer")
    assert ["Kasus per tahap"] in rows and ["Per minggu"] in rows


def test_dashboard_export_takes_the_pages_date_range_and_region(client, staff):
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    today = timezone.localdate()
    rows = csv_rows(
        export(client, "dashboard", "csv", **{"from": "2020-01-01", "to": "2020-01-31"})
    )
    assert "filter: Dari tanggal: 1 Januari 2020, Sampai tanggal: 31 Januari 2020" in rows[0][0]
    first = rows.index(["Per minggu"]) + 2
    weeks = rows[first : rows.index([], first)]
    assert len(weeks) == 5 and {tuple(w[1:]) for w in weeks} == {("0", "0")}
    in_range = export(client, "dashboard", "csv", **{"from": today.isoformat()})
    assert ["Per minggu"] in csv_rows(in_range)
    # A region outside the supervisor's areas is refused like the page refuses it.
    refused = export(client, "dashboard", "csv", region=KOTA_BENGKALIS)
    assert refused.status_code == 400 and "Wilayah" in refused.content.decode()


def test_access_log_exports_for_a_supervisor_with_its_filters(client, staff):
    case = open_cases(staff, 1)[0]
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    client.force_login(staff["manajer"])
    today = timezone.localdate().isoformat()
    rows = xlsx_rows(
        export(client, "access_log", "xlsx", action="view_case", date_from=today, date_to=today)
    )
    shown = filter_date(timezone.localdate())
    assert "Tindakan: Melihat kasus" in rows[0][0] and f"Dari tanggal: {shown}" in rows[0][0]
    assert [(r[1], r[3], r[5]) for r in rows[2:]] == [
        ("backoffice", case.number, "1904••••••••0010")
    ]


# --- Scope -------------------------------------------------------------------------------


def test_exports_hold_only_what_the_user_may_see(client, staff):
    referred = referred_case(staff, nik=nik(1), services=["pbi-jk"])
    open_cases(staff, 1, start=5)
    intake(
        staff["petugas_bks"],
        applicant=person(nik="1403011208850011", region_code=KOTA_BENGKALIS),
    )
    client.force_login(staff["petugas_bks"])  # another regency
    assert len(csv_rows(export(client, "cases", "csv"))) == 3
    client.force_login(staff["dinkes"])  # an agency: its referred case only
    assert [r[0] for r in csv_rows(export(client, "cases", "csv"))[2:]] == [referred.number]
    client.force_login(staff["manajer"])
    assert len(csv_rows(export(client, "cases", "csv"))[2:]) == 2


def test_access_log_export_and_page_refuse_other_roles(client, staff):
    for user in ("backoffice", "dinkes", "petugas"):
        client.force_login(staff[user])
        assert export(client, "access_log", "csv").status_code == 403
        assert client.get(reverse("access_log")).status_code == 403


def test_agency_queue_export_is_404_for_a_user_in_no_agency(client, staff):
    client.force_login(staff["backoffice"])
    assert export(client, "queue", "xlsx").status_code == 404


def test_unknown_export_or_format_is_refused(client, staff):
    client.force_login(staff["manajer"])
    assert export(client, "people", "csv").status_code == 404
    assert export(client, "cases", "pdf").status_code == 400
    assert client.get(reverse(START, args=["cases"])).status_code == 405


def test_supervisor_of_another_regency_sees_no_access_log_entries_of_ours(client, staff, offices):

    case = open_cases(staff, 1)[0]
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    other = make_user("manajer.bks", "supervisor", "14.03", office=offices["slrt_bks"])
    client.force_login(other)
    assert csv_rows(export(client, "access_log", "csv"))[2:] == []
    assert case.number not in client.get(reverse("access_log")).content.decode()


# --- Access log rows -----------------------------------------------------------------------


def test_each_streamed_export_writes_one_access_log_row_without_a_nik(client, staff):
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    export(client, "cases", "xlsx", q=nik(0))
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.route) == (staff["manajer"], "export_cases")
    assert entry.purpose == "1 baris; Cari: 1904••••••••0010"
    assert nik(0) not in entry.route + entry.purpose


def test_supervisors_see_exports_by_their_areas_staff_in_the_access_log(client, staff, offices):

    open_cases(staff, 1)
    client.force_login(staff["backoffice"])
    export(client, "cases", "csv")
    client.force_login(staff["manajer"])
    rows = csv_rows(export(client, "access_log", "csv", action="export"))
    assert [(r[1], r[6], r[7]) for r in rows[2:]] == [("backoffice", "export_cases", "1 baris")]
    client.force_login(make_user("manajer.bks", "supervisor", "14.03", office=offices["slrt_bks"]))
    assert csv_rows(export(client, "access_log", "csv", action="export"))[2:] == []


# --- Streaming vs background ----------------------------------------------------------------


def test_a_list_past_the_threshold_runs_in_the_background_for_its_requester(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    cases = open_cases(staff, 2)
    client.force_login(staff["manajer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "cases", "csv", stage="verification")
    made = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("export_detail", args=[made.pk])
    assert made.filters == {"stage": ["verification"]}
    assert (made.state, made.rows_done, made.rows_total) == (ExportState.DONE, 2, 2)
    page = client.get(reverse("export_detail", args=[made.pk])).content.decode()
    assert "Unduh berkas" in page
    assert made.file.name.startswith("exports/") and "." not in made.file.name.split("/")[1]
    download = client.get(reverse("export_download", args=[made.pk]))
    assert (
        download.status_code == 200 and 'filename="daftar-kasus-' in download["Content-Disposition"]
    )
    raw = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert "Tahap:" in rows[0][0] and sorted(r[0] for r in rows[2:]) == sorted(
        c.number for c in cases
    )
    assert "••••" in rows[2][5] and NIK_MALE not in raw
    routes = list(AccessLog.objects.filter(action="export").values_list("route", "purpose"))
    assert sorted(routes) == [
        ("export_cases_download", "2 baris; stage: verification"),
        ("export_cases_start", "2 baris; Tahap: Verifikasi"),
    ]
    assert client.get(reverse("export_list")).status_code == 200


def test_background_export_reapplies_the_scope_when_it_runs(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    export(client, "cases", "xlsx")  # queued, not run (no commit callbacks executed)
    made = Export.objects.get()
    assert made.state == ExportState.QUEUED
    staff["manajer"].is_active = False
    staff["manajer"].save()

    run_export(made.pk)
    made.refresh_from_db()
    assert (made.state, made.rows_done) == (ExportState.DONE, 0)


def test_another_user_gets_404_for_someone_elses_export(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "cases", "xlsx")
    made = Export.objects.get()
    client.force_login(staff["backoffice"])
    for name in ("export_detail", "export_progress", "export_download"):
        assert client.get(reverse(name, args=[made.pk])).status_code == 404
    assert client.post(reverse("export_again", args=[made.pk])).status_code == 404
    listed = client.get(reverse("export_list")).content.decode()
    assert reverse("export_detail", args=[made.pk]) not in listed


def test_an_export_expires_after_a_day_its_file_deleted(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "cases", "xlsx")
    made = Export.objects.get()
    path = made.file.path
    assert exports_purge_expired(timezone.now() + dt.timedelta(hours=23)) == 0
    report = run_periodic_jobs(timezone.now() + dt.timedelta(hours=24, minutes=1))
    assert report["exports_expired"] == 1
    made.refresh_from_db()
    assert made.state == ExportState.EXPIRED and not made.file
    assert not os.path.exists(path)
    assert client.get(reverse("export_download", args=[made.pk])).status_code == 404
    assert "sudah dihapus" in client.get(reverse("export_detail", args=[made.pk])).content.decode()


def test_a_failed_export_can_be_run_again_by_its_requester(
    client, staff, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    export(client, "cases", "csv")
    made = Export.objects.get()
    Export.objects.filter(pk=made.pk).update(state=ExportState.FAILED, failure="x")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_again", args=[made.pk]))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.state == ExportState.DONE and made.rows_done == 2


def test_progress_page_polls_while_running_and_reloads_when_done(client, staff, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    open_cases(staff, 2)
    client.force_login(staff["manajer"])
    export(client, "cases", "csv")
    made = Export.objects.get()
    response = client.get(reverse("export_progress", args=[made.pk]))
    assert 'hx-trigger="every 2s"' in response.content.decode()
    assert "HX-Refresh" not in response
    Export.objects.filter(pk=made.pk).update(state=ExportState.FAILED)
    assert client.get(reverse("export_progress", args=[made.pk]))["HX-Refresh"] == "true"


# --- Query counts ---------------------------------------------------------------------------


def test_streamed_case_export_takes_a_fixed_number_of_queries(client, staff):
    """1. session; 2. user; 3. memberships; 4. COUNT of the rows; 5. the rows, with the
    beneficiary and village joined in; 6. the access-log row (SAVEPOINT-free insert).
    The same at 1 and at 6 cases."""
    open_cases(staff, 1)
    client.force_login(staff["backoffice"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = export(client, "cases", "csv")
            b"".join(response.streaming_content)
        return len(queries)

    small = count()
    open_cases(staff, 5, start=1)
    assert count() == small == 6


def test_streamed_queue_export_queries_do_not_grow_with_the_queue(client, staff):
    referred_case(staff, nik=nik(1), services=["pbi-jk"])
    client.force_login(staff["kadinkes"])
    with CaptureQueriesContext(connection) as small:
        export(client, "queue", "xlsx")
    for i in range(2, 5):
        referred_case(staff, nik=nik(i), services=["pbi-jk"])
    with CaptureQueriesContext(connection) as large:
        export(client, "queue", "xlsx")
    assert len(small) == len(large)


# --- The pages: buttons and the access log page ----------------------------------------------


def test_each_page_has_export_buttons_carrying_its_filters(client, staff):
    open_cases(staff, 1)
    client.force_login(staff["manajer"])
    for url, kind in [
        (reverse("home") + "?stage=verification", "cases"),
        (reverse("inbox"), "tasks"),
        (reverse("dashboard"), "dashboard"),
        (reverse("access_log") + "?action=view_case", "access_log"),
    ]:
        body = client.get(url).content.decode()
        assert f'action="{reverse(START, args=[kind])}"' in body, url
        assert "Unduh Excel" in body and "Unduh CSV" in body
    body = client.get(reverse("home") + "?stage=verification").content.decode()
    assert '<input type="hidden" name="stage" value="verification">' in body
    client.force_login(staff["kadinkes"])
    body = client.get(reverse("agency_queue") + "?holder=mine").content.decode()
    assert '<input type="hidden" name="holder" value="mine">' in body


def test_access_log_page_filters_by_action_and_date(client, staff):
    case = open_cases(staff, 1)[0]
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    client.force_login(staff["manajer"])
    url = reverse("access_log")
    assert case.number in client.get(url, {"action": "view_case"}).content.decode()
    assert case.number not in client.get(url, {"action": "download"}).content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = client.get(url, {"date_from": tomorrow}).content.decode()
    assert "Tidak ada catatan akses dengan saringan ini." in body


def test_access_log_page_query_count_does_not_grow_with_the_log(client, staff):
    case = open_cases(staff, 1)[0]
    client.force_login(staff["backoffice"])
    client.get(reverse("case_detail", args=[case.number]))
    client.force_login(staff["manajer"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("access_log"))
    client.force_login(staff["backoffice"])
    for _ in range(60):
        client.get(reverse("case_detail", args=[case.number]))
    client.force_login(staff["manajer"])
    with CaptureQueriesContext(connection) as large:
        body = client.get(reverse("access_log")).content.decode()
    assert "Halaman 1 dari 2" in body
    assert len(small) == len(large)
