"""Ringkasan kasus (issue 15): a case summary printed for a file or a transfer."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import AccessLog
from cases.nik import mask_nik
from cases.services import add_note
from core.pdf import latin1
from tests.conftest import NIK_FEMALE, NIK_MALE, intake, open_task, person, referred_case
from workflows import services as wf
from workflows.models import WorkItem

FOOTER_TOP = 45  # pt from the page's bottom: below it only the footer is written


def summary_url(case) -> str:
    return reverse("case_summary", args=[case.number])


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """The text of every page, its spacing folded (table cells wrap their lines)."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def served_case(staff):
    """Siti's case: PBI-JK accepted, approved and delivered by Dinkes, ATENSI rejected by
    Dinsos, then a follow-up."""
    case = referred_case(
        staff,
        nik=NIK_FEMALE,
        full_name="Siti Aminah",
        services=["pbi-jk", "atensi"],
    )
    for item in WorkItem.objects.open().filter(case=case, kind="referral_review"):
        if item.referral.agency.code == "dinkes-bateng":
            wf.review_referral(actor=staff["dinkes"], task_id=item.pk, decision="accept")
        else:
            wf.review_referral(
                actor=staff["dinsos"],
                task_id=item.pk,
                decision="reject",
                reason="Sudah menerima ATENSI bulan ini.",
            )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )
    wf.record_delivery(
        actor=staff["dinkes"],
        task_id=open_task(case, "delivery").pk,
        delivered_at=timezone.now(),
        channel="bank_transfer",
        amount="150000",
    )
    # One delivered, one rejected: the back office looks again and goes on to the follow-up.
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="follow_up",
    )
    wf.complete_follow_up(
        actor=staff["peksos"],
        task_id=open_task(case, "follow_up").pk,
        contacted_at=timezone.now(),
        outcome="improved",
        note="Sudah berobat ke puskesmas.",
    )
    return case


def test_the_summary_carries_the_case_people_referrals_deliveries_follow_ups_and_timeline(
    client, staff
):
    case = served_case(staff)
    client.force_login(staff["backoffice"])

    response = client.get(summary_url(case))

    text = text_of(pdf_of(response))
    assert "RINGKASAN KASUS" in text and case.number in text
    for heading in ("Data kasus", "Penerima manfaat dan pemohon", "Permohonan", "Rujukan"):
        assert heading in text
    for heading in ("Penyaluran", "Tindak lanjut", "Riwayat"):
        assert heading in text
    assert "Permohonan layanan" in text and "Datang langsung" in text and "Fakir miskin" in text
    assert "Wilayah : Nibung, Kec. Koba" in text and "Tahap : Penutupan" in text
    # People, NIK masked everywhere (and not in the file name).
    assert f"Siti Aminah (NIK {latin1(mask_nik(NIK_FEMALE))})" in text
    assert NIK_FEMALE not in text.replace(" ", "") and NIK_MALE not in text.replace(" ", "")
    assert NIK_FEMALE not in response["Content-Disposition"]
    assert f"ringkasan-kasus-{case.number}.pdf" in response["Content-Disposition"]
    assert "KIS PBI dinonaktifkan" in text  # the request
    # Referrals with agency, state and outcome; the delivery; the follow-up.
    assert "Dinas Kesehatan Bangka Tengah" in text and "Dinas Sosial Bangka Tengah" in text
    assert "Disalurkan" in text and "Ditolak instansi" in text
    assert "Sudah menerima ATENSI bulan ini." in text
    assert "Transfer bank" in text and "Rp 150.000" in text
    assert "Membaik" in text and "Sudah berobat ke puskesmas." in text
    # The timeline the case page shows, in its order.
    opened, visited, delivered = (
        text.index("Kasus dibuka"),
        text.index("Kunjungan rumah: rekomendasi Layak"),
        text.index("Bantuan disalurkan oleh Dinas Kesehatan Bangka Tengah"),
    )
    assert opened < visited < delivered


def test_a_long_case_spans_pages_with_numbered_footers_and_nothing_under_them(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    for n in range(60):
        add_note(actor=staff["peksos"], case=case, text=f"Catatan ke-{n}: keluarga dikunjungi.")
    client.force_login(staff["peksos"])

    reader = pdf_of(client.get(summary_url(case)))

    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        low: list[str] = []

        def visit(text, cm, tm, font, size, low=low):
            if text.strip() and tm[5] < FOOTER_TOP:
                low.append(text.strip())

        page.extract_text(visitor_text=visit)
        assert f"Halaman {number} dari {pages}" in page.extract_text()
        assert all(re.search(r"Ringkasan kasus|Halaman", t) for t in low), low
    # The timeline's heading row is repeated on the pages it runs over.
    assert sum("Peristiwa" in page.extract_text() for page in reader.pages) >= 2
    assert "Catatan ke-0" in text_of(reader) and "Catatan ke-59" in text_of(reader)


def test_the_summary_reads_the_same_number_of_queries_however_long_the_case(client, staff):
    short = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    long = referred_case(staff, nik="1904011208850009", services=["pbi-jk"])
    for n in range(25):
        add_note(actor=staff["peksos"], case=long, text=f"Catatan {n}")
    client.force_login(staff["peksos"])
    client.get(summary_url(short))  # warm up the session and caches

    with CaptureQueriesContext(connection) as small:
        client.get(summary_url(short))
    with CaptureQueriesContext(connection) as large:
        client.get(summary_url(long))

    assert len(small) == len(large)


def test_the_case_team_sees_a_sensitive_category_printed_as_on_its_case_page(client, staff):
    case = intake(staff["petugas"], ppks_category="odha").case
    client.force_login(staff["manajer"])
    assert "Orang dengan HIV/AIDS" in text_of(pdf_of(client.get(summary_url(case))))


def test_printing_the_summary_writes_one_access_log_row(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    client.force_login(staff["manajer"])

    client.get(summary_url(case))

    row = AccessLog.objects.get(action="print")
    assert (row.user, row.case, row.person, row.route) == (
        staff["manajer"],
        case,
        case.beneficiary,
        "case_summary",
    )


@pytest.mark.parametrize("who", ["petugas", "peksos", "peksos2", "backoffice", "manajer"])
def test_the_case_team_prints_the_summary(client, staff, who):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    client.force_login(staff[who])
    assert client.get(summary_url(case)).status_code == 200


@pytest.mark.parametrize("who", ["petugas_bks", "dinsos", "administrator"])
def test_no_summary_of_a_case_not_seen(client, staff, who):
    staff["administrator"] = get_user_model().objects.create_superuser("admin", password="x")
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    client.force_login(staff[who])
    assert client.get(summary_url(case)).status_code == 404
    assert client.get(reverse("case_summary", args=["1904-2026-999999"])).status_code == 404
    assert not AccessLog.objects.filter(action="print").exists()


def test_an_agency_seeing_a_referred_case_prints_no_summary(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    client.force_login(staff["dinkes"])
    assert client.get(summary_url(case)).status_code == 403
    assert not AccessLog.objects.filter(action="print").exists()


def test_the_case_page_offers_the_summary_to_the_case_team_only(client, staff):
    case = intake(staff["petugas"], applicant=person()).case
    url = summary_url(case)
    client.force_login(staff["petugas"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert url in page and "Cetak ringkasan" in page
    case = referred_case(staff, nik=NIK_FEMALE, services=["pbi-jk"])
    client.force_login(staff["dinkes"])
    assert (
        summary_url(case)
        not in client.get(reverse("case_detail", args=[case.number])).content.decode()
    )


def test_an_officer_reading_english_prints_the_summary_in_bahasa_indonesia(client, staff):
    case = served_case(staff)
    client.force_login(staff["peksos"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert '<html lang="en">' in page

    text = text_of(pdf_of(client.get(summary_url(case))))

    assert "Kasus dibuka" in text and "Case opened" not in text
    assert "Tindak lanjut: Membaik" in text and "Disalurkan" in text
    assert "PBI-JK / KIS (jaminan kesehatan bersubsidi)" in text
