"""The monthly recap page, its PDF and XLSX: who may open them, what they say, the log."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from agencies.models import Role
from cases.models import AccessLog
from tests.conftest import make_user
from tests.workflows.recap_month import build_month

pytestmark = pytest.mark.django_db

OCTOBER = {"month": "2026-10", "region": "19.04"}


def pdf_text(content: bytes) -> str:
    """The PDF's text, white space (line breaks in wrapped cells) folded to single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_supervisor_sees_the_recap_tables(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap"), OCTOBER)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rekap bulanan Kab. Bangka Tengah, Oktober 2026" in body
    for key in ("kind", "service", "channel", "district", "referrals", "deliveries", "complaints"):
        assert f'data-recap-table="{key}"' in body
    assert "Dinas Kesehatan Bangka Tengah" in body and "Pangkalan Baru" in body
    assert "1904011208850012" not in body and "Budi Santoso" not in body


def test_back_office_may_open_the_recap(client, staff):
    client.force_login(staff["backoffice"])
    assert client.get(reverse("recap"), OCTOBER).status_code == 200


def test_the_region_choices_are_the_users_areas_and_their_offices(client, staff):
    client.force_login(staff["manajer"])
    body = client.get(reverse("recap")).content.decode()
    assert 'value="19.04"' in body and 'value="19.04.01.2003"' in body
    assert 'value="14.03"' not in body


def test_another_regency_is_refused_with_the_reason(client, staff):
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap"), {"month": "2026-10", "region": "14.03"})
    assert response.status_code == 400
    assert "Wilayah ini bukan wilayah kerja Anda" in response.content.decode()
    pdf = client.get(reverse("recap_pdf"), {"month": "2026-10", "region": "14.03"})
    assert pdf.status_code == 400 and pdf["Content-Type"].startswith("text/html")
    assert not AccessLog.objects.exists()


def test_a_month_not_yet_begun_is_refused(client, staff):
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap"), {"month": "2099-01", "region": "19.04"})
    assert response.status_code == 400 and "Bulan belum berjalan." in response.content.decode()


@pytest.mark.parametrize("who", ["dinkes", "peksos", "petugas", "petugas_bks"])
def test_agency_staff_social_workers_and_intake_may_not_open_the_recap(client, staff, who):
    client.force_login(staff[who])
    for name in ("recap", "recap_pdf", "recap_xlsx"):
        assert client.get(reverse(name), OCTOBER).status_code == 403


def test_a_supervisor_of_another_regency_gets_only_their_own(client, staff, offices):
    build_month(staff)
    other = make_user("manajer.bks", Role.SUPERVISOR, "14.03", office=offices["slrt_bks"])
    client.force_login(other)
    assert client.get(reverse("recap"), OCTOBER).status_code == 400
    body = client.get(reverse("recap"), {"month": "2026-10", "region": "14.03"}).content.decode()
    # Bengkalis' one October case; nothing of Bangka Tengah.
    assert "Rekap bulanan Kab. Bengkalis, Oktober 2026" in body
    assert "Pangkalan Baru" not in body and "Dinas Kesehatan Bangka Tengah" not in body


def test_the_pdf_is_the_recap_on_the_letterhead_and_is_logged(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap_pdf"), OCTOBER)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="rekap-19.04-2026-10.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "PEMERINTAH KABUPATEN BANGKA TENGAH" in text
    assert "SLRT BANGKA TENGAH" in text
    assert "REKAP BULANAN KAB. BANGKA TENGAH, OKTOBER 2026" in text
    for title in ("Kasus per jenis", "Rujukan per instansi", "Penyaluran per program"):
        assert title in text
    assert "Pengaduan per tingkat" in text and "Ringan (2 hari kerja)" in text
    # The referral table's nine columns: each heading word whole, never broken mid-word.
    assert "sampai penyaluran Terlambat" in text  # was "penyalura n"
    assert "Dinas Kesehatan Bangka Tengah 2 1 1 1 50,0 6,0 17,0 0" in text
    assert "Ringan (2 hari kerja) 2 0 1 1 0,0" in text and "Pangkalan Baru 1 1" in text
    assert "150.000" in text
    assert "1904011208850012" not in text and "Budi" not in text
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.route, log.case) == (
        staff["manajer"],
        "print",
        "recap_pdf",
        None,
    )


def test_the_pdf_is_in_bahasa_indonesia_for_an_english_reader(client, staff):
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap_pdf"), OCTOBER, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    text = pdf_text(client.get(reverse("recap_pdf"), OCTOBER).content)
    assert response.status_code == 200 and "Kasus per jenis" in text


def test_the_xlsx_has_one_sheet_per_table_with_the_first_line_and_is_logged(client, staff):
    build_month(staff)
    client.force_login(staff["manajer"])
    response = client.get(reverse("recap_xlsx"), OCTOBER)
    assert response.status_code == 200
    assert 'filename="rekap-19.04-2026-10.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Ringkasan",
        "Kasus per jenis",
        "Kasus per layanan yang dimohon",
        "Kasus per saluran",
        "Kasus per kecamatan",
        "Rujukan per instansi",
        "Penyaluran per program",
        "Pengaduan per tingkat",
    ]
    first = book["Kasus per jenis"]["A1"].value
    assert "Rekap bulanan Kab. Bangka Tengah, Oktober 2026" in first and "manajer" in first
    rows = list(book["Kasus per jenis"].iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("Jenis", "Diterima", "Selesai")
    assert ("Pengaduan", 3, 0) in rows and ("Jumlah", 5, 2) in rows
    referrals = list(book["Rujukan per instansi"].iter_rows(min_row=3, values_only=True))
    assert referrals == [("Dinas Kesehatan Bangka Tengah", 2, 1, 1, 1, 50.0, 6.0, 17.0, 0)]
    summary = list(book["Ringkasan"].iter_rows(min_row=3, values_only=True))
    assert ("Median hari sampai selesai", 10.0) in summary
    log = AccessLog.objects.get()
    assert (log.action, log.route, log.purpose) == ("export", "recap_xlsx", "19.04 2026-10")


def test_recap_page_queries_do_not_grow_with_the_data(client, staff):
    client.force_login(staff["manajer"])
    client.get(reverse("recap"), OCTOBER)
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("recap"), OCTOBER)
    build_month(staff)
    with CaptureQueriesContext(connection) as full:
        client.get(reverse("recap"), OCTOBER)
    assert len(full.captured_queries) == len(empty.captured_queries)


def test_a_long_table_repeats_its_header_on_each_page(staff):
    import datetime as dt

    from django.utils import timezone

    from agencies.models import Office, Region
    from workflows.recap import Recap
    from workflows.recap_files import render_recap_pdf

    rows = [
        {"key": f"19.04.{n:02d}", "label": f"Kecamatan {n}", "received": n, "closed": 0}
        for n in range(1, 121)
    ]
    recap = Recap(
        region=Region.objects.get(code="19.04"),
        month=dt.date(2026, 10, 1),
        generated_at=timezone.now(),
        by_district=rows,
    )
    office = Office.objects.get(area_id="19.04")
    content = render_recap_pdf(recap, office=office, government="X", user_name="manajer")
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 3
    for page in pages[1:3]:
        assert "Kecamatan Diterima Selesai" in " ".join(page.extract_text().split())
    text = pdf_text(content)
    assert "Kecamatan 120 120 0" in text and "Jumlah 7.260 0" in text
