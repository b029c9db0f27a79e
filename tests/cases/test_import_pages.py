"""The registry import pages (issue 14): upload, dry run in the background with its
progress, the report and its download, commit; who may open them; the list's cost."""

from __future__ import annotations

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Role
from cases.models import AccessLog, ImportState, Person, RegistryImport
from cases.registry_import.services import registry_import_create
from scripts.make_registry_extract import main as make_extract
from tests.cases.import_files import csv_file, extract_row, imported
from tests.conftest import AIR_MESU, NIBUNG, NIK_FEMALE, intake, make_user, person

WIFE = extract_row(NIK=NIK_FEMALE, NAMA="Siti Aminah", JENIS_KELAMIN="P")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def bengkalis_back_office(offices):
    return make_user("bo.bks", Role.BACK_OFFICE, "14.03", office=offices["slrt_bks"])


def upload(client, content: bytes, *, name="dtks.csv", kind="extract"):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content, "text/csv")}
    return client.post(reverse("import_new"), data)


def test_the_back_office_uploads_a_file_sees_the_report_and_commits_it(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff["backoffice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_file([extract_row(), WIFE]))
    registry_import = RegistryImport.objects.get()
    assert response.url == reverse("import_detail", args=[registry_import.pk])
    page = client.get(response.url).content.decode()
    assert "Hasil pemeriksaan (uji coba" in page and "Jalankan impor" in page
    assert not Person.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_commit", args=[registry_import.pk]))

    registry_import.refresh_from_db()
    assert registry_import.state == ImportState.DONE
    assert Person.objects.count() == 2
    page = client.get(response.url).content.decode()
    assert "Hasil impor" in page and "Jalankan impor" not in page
    listed = client.get(reverse("import_list")).content.decode()
    assert "dtks.csv" in listed and "Selesai diimpor" in listed


def test_a_file_that_is_not_csv_or_xlsx_is_refused_on_the_form(client, staff):
    client.force_login(staff["backoffice"])

    response = upload(client, b"%PDF-1.4", name="dtks.pdf")

    assert response.status_code == 400
    assert not RegistryImport.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("flushable_audit_tables")
def test_the_import_runs_in_the_background_and_its_progress_is_polled(
    client, staff, settings, tmp_path
):
    settings.BACKGROUND_ENGINE = "embedded"
    extract = tmp_path / "dtks.csv"
    make_extract([str(extract), "--rows", "2500", "--villages", f"{NIBUNG},{AIR_MESU}"])
    client.force_login(staff["backoffice"])

    response = upload(client, extract.read_bytes())
    detail = response.url
    pk = RegistryImport.objects.get().pk
    seen = poll_until_finished(client, pk)
    assert "checked" in seen[-1]
    page = client.get(detail).content.decode()
    assert "Hasil pemeriksaan" in page

    client.post(reverse("import_commit", args=[pk]))
    seen = poll_until_finished(client, pk)
    assert "done" in seen[-1]
    registry_import = RegistryImport.objects.get()
    assert registry_import.processed_rows == 2500
    assert Person.objects.count() == registry_import.created > 2400


def poll_until_finished(client, pk: int, timeout: float = 120) -> list[str]:
    """The progress partial's states until the page is told to reload (the run ended)."""
    url = reverse("import_progress", args=[pk])
    states = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        states.append(body.split('data-import-state="', 1)[1].split('"', 1)[0])
        if response.get("HX-Refresh") == "true":
            return states
        assert 'hx-trigger="every 2s"' in body and "<progress" in body
        time.sleep(0.2)
    raise AssertionError(f"still running after {timeout} s: {states[-3:]}")


@pytest.mark.parametrize("role", ["petugas", "peksos", "dinkes", "kadinkes"])
def test_officers_who_do_not_import_cannot_open_the_import_pages(client, staff, role):
    done = imported(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(staff[role])

    assert client.get(reverse("import_list")).status_code == 403
    assert upload(client, csv_file([extract_row()])).status_code == 403
    for name in ("import_detail", "import_progress", "import_report"):
        assert client.get(reverse(name, args=[done.pk])).status_code == 403
    assert client.post(reverse("import_commit", args=[done.pk])).status_code == 403


def test_another_regencys_back_office_gets_404_for_the_import_and_its_report(
    client, staff, bengkalis_back_office
):
    checked = registry_import_create(
        actor=staff["backoffice"],
        kind="extract",
        file=ContentFile(csv_file([extract_row()])),
        filename="dtks.csv",
    )
    done = imported(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(bengkalis_back_office)

    assert client.get(reverse("import_list")).status_code == 200
    assert "dtks.csv" not in client.get(reverse("import_list")).content.decode()
    for name in ("import_detail", "import_progress", "import_report"):
        assert client.get(reverse(name, args=[done.pk])).status_code == 404
    assert client.post(reverse("import_commit", args=[checked.pk])).status_code == 404
    assert RegistryImport.objects.get(pk=checked.pk).state == ImportState.CHECKING


def test_the_report_downloads_as_xlsx_for_the_area_and_is_access_logged(client, staff):
    done = imported(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(staff["manajer"])

    response = client.get(reverse("import_report", args=[done.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f"laporan-impor-{done.pk}.xlsx" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AccessLog.objects.filter(user=staff["manajer"], route="import_report").exists()


def test_a_death_list_page_lists_the_open_cases_of_the_people_marked(client, staff):
    case = intake(staff["petugas"]).case
    intake(staff["petugas"], applicant=person(nik=NIK_FEMALE, full_name="Siti", sex="F"))
    content = csv_file(
        [{"NIK": case.beneficiary.nik, "TANGGAL_MENINGGAL": "01-11-2026"}],
        header=["NIK", "TANGGAL_MENINGGAL"],
    )
    done = imported(staff["backoffice"], content, kind="deaths", name="kematian.csv")
    client.force_login(staff["backoffice"])

    page = client.get(reverse("import_detail", args=[done.pk])).content.decode()

    affected = page.split('id="affected-heading"', 1)[1]
    assert case.number in affected and affected.count("/kasus/") == 1


def test_the_import_list_costs_the_same_at_any_size(client, staff):
    client.force_login(staff["backoffice"])
    counts = []
    for n in (1, 4):
        while RegistryImport.objects.count() < n:
            imported(staff["backoffice"], csv_file([extract_row()]), name=f"f{n}.csv")
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("import_list")).content.decode()
        assert body.count('data-import-state="') == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_import_list_pins_its_queries(client, staff, django_assert_num_queries):
    imported(staff["backoffice"], csv_file([extract_row()]))
    client.force_login(staff["backoffice"])
    client.get(reverse("import_list"))  # session and memberships warm

    with django_assert_num_queries(6):
        client.get(reverse("import_list"))
