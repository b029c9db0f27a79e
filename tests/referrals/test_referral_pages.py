"""The referral page and the referral letter (surat rujukan, PDF): what they show, to whom,
and that every reading is in the access log."""

import datetime as dt
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import DocumentType
from cases.models import AccessLog, Attachment, Person
from core.pdf import latin1, long_date, regency_title
from referrals.letters import display_code
from referrals.models import Referral
from referrals.selectors import downloadable_attachment, letter_number
from tests.conftest import NIK_MALE, open_task, referred_case
from workflows import services as wf

MASKED_NIK = "1904••••••••0001"


@pytest.fixture
def case(staff):
    return referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])


@pytest.fixture
def referral(case):
    return Referral.objects.get(case=case)


def pdf_text(data: bytes) -> str:
    """The text drawn on the PDF's pages (fpdf2 writes core-font strings as ``(...) Tj``)."""
    streams = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    strings = re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", "\n".join(streams))
    return "\n".join(re.sub(r"\\(.)", r"\1", s) for s in strings)


def attach(case, code: str, user) -> Attachment:
    return Attachment.objects.create(
        case=case,
        kind="other",
        document_type=DocumentType.objects.get(code=code),
        file=f"attachments/{case.pk}/{code}.pdf",
        uploaded_by=user,
    )


def test_agency_sees_what_the_referral_needs_and_nothing_more(client, staff, case, referral):
    ktp_file = attach(case, "ktp", staff["petugas"])
    other_file = attach(case, "kartu-nelayan", staff["petugas"])  # PBI-JK does not need it
    client.force_login(staff["dinkes"])
    response = client.get(reverse("referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in (
        case.number,
        "Budi Santoso",
        MASKED_NIK,
        "Jl. Raya Koba No. 5 RT 002/RW 001, Nibung",
        "PBI-JK / KIS",
        "Dinas Kesehatan Bangka Tengah",
        "KIS PBI dinonaktifkan, perlu berobat.",  # the case's request
        "Perlu segera berobat.",  # the referral's note
        "Layak (kunjungan rumah",  # the visit's verdict
        "SLRT Bangka Tengah",  # the referring office
        "Dikirim, menunggu tanggapan",
        "Surat Keterangan Tidak Mampu (SKTM)",
        "Tanggapan rujukan",
        "Belum ada penyaluran.",
        letter_number(referral),
        reverse("referral_letter", args=[referral.pk]),
    ):
        assert shown in body, shown
    assert NIK_MALE not in body
    assert "Rumah papan, atap bocor" not in body  # visit findings stay with the case team
    ktp = re.search(r"<span class=\"badge [^\"]+\">(\w+(?: \w+)?)</span>\s*<span[^>]*>KTP<", body)
    assert ktp and ktp.group(1) == "Ada"
    sktm = re.search(r">(\w+(?: \w+)?)</span>\s*<span[^>]*>Surat Keterangan Tidak Mampu", body)
    assert sktm and sktm.group(1) == "Belum ada"
    # The agency may open the papers its service requires, and nothing else of the case.
    assert f'href="{reverse("attachment_download", args=[ktp_file.pk])}"' in body
    assert downloadable_attachment(staff["dinkes"], ktp_file.pk) == ktp_file
    assert downloadable_attachment(staff["dinkes"], other_file.pk) is None
    other = client.get(reverse("attachment_download", args=[other_file.pk]))
    assert other.status_code == 404
    assert downloadable_attachment(staff["dinsos"], ktp_file.pk) is None


def test_case_team_gets_download_links_and_the_case_page_links_the_referral(
    client, staff, case, referral
):
    ktp = attach(case, "ktp", staff["petugas"])
    client.force_login(staff["backoffice"])
    case_page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert f'href="{reverse("referral_detail", args=[referral.pk])}"' in case_page
    body = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert reverse("attachment_download", args=[ktp.pk]) in body


def test_reading_the_referral_page_is_logged(client, staff, case, referral):
    client.force_login(staff["dinkes"])
    client.get(reverse("referral_detail", args=[referral.pk]))
    log = AccessLog.objects.get(user=staff["dinkes"], route="referral_detail")
    assert log.action == "view_case" and log.case == case and log.person == case.beneficiary


def test_delivery_is_shown_once_recorded(client, staff, case, referral):
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(case, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=open_task(case, "approval").pk, decision="approve"
    )
    wf.record_delivery(
        actor=staff["dinkes"],
        task_id=open_task(case, "delivery").pk,
        delivered_at=timezone.now(),
        channel="service",
        items="KIS PBI aktif kembali",
    )
    client.force_login(staff["kadinkes"])
    body = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
    assert "Disalurkan" in body and "KIS PBI aktif kembali" in body and "Layanan" in body
    assert "Tidak ada tugas berjalan." in body


def test_the_letter_is_a_pdf_naming_the_beneficiary_and_the_service(client, staff, case, referral):
    attach(case, "ktp", staff["petugas"])
    client.force_login(staff["dinkes"])
    response = client.get(reverse("referral_letter", args=[referral.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="surat-rujukan-{case.number}-{referral.pk}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for shown in (
        "PEMERINTAH KABUPATEN BANGKA TENGAH",
        "SLRT BANGKA TENGAH",
        "SURAT RUJUKAN",
        "Nomor",
        letter_number(referral),
        "Kepala Dinas Kesehatan Bangka Tengah",
        "Budi Santoso",
        NIK_MALE,  # an official letter to the agency: the full NIK, logged below
        "Koba, 12 Agustus 1985",
        "Nibung, Kec. Koba",
        case.number,
        "PBI-JK / KIS (jaminan kesehatan bersubsidi)",
        "Perlu segera berobat.",  # this referral's own reason
        "KTP (tersedia di berkas kasus)",
        "Surat pernyataan (belum ada)",
        f"Bangka Tengah, {long_date(referral.sent_at)}",
        "backoffice",  # without a signing official, the officer who sent it signs ...
        "Back office",  # ... as what they are
        "/cek-surat/",
        display_code(referral.verification_code),
    ):
        assert shown in text, shown
    log = AccessLog.objects.get(action="print_letter")
    assert (log.user, log.case, log.person) == (staff["dinkes"], case, case.beneficiary)
    assert log.route == "referral_letter" and NIK_MALE not in log.route + log.purpose


def test_the_letter_number_is_stable(client, staff, referral):
    client.force_login(staff["backoffice"])
    first = pdf_text(client.get(reverse("referral_letter", args=[referral.pk])).content)
    second = pdf_text(client.get(reverse("referral_letter", args=[referral.pk])).content)
    number = letter_number(referral)
    assert number in first and number in second
    assert re.fullmatch(rf"0*{referral.pk}/RUJ/{referral.case.number}/[IVX]+/\d{{4}}", number)
    assert AccessLog.objects.filter(action="print_letter").count() == 2


def test_the_letter_survives_characters_outside_latin1(client, staff):
    case = referred_case(
        staff,
        nik="1904011208850005",
        services=["pbi-jk"],
        full_name="Wayan “Bagus” Şükrü",
    )
    referral = Referral.objects.get(case=case)
    Referral.objects.filter(pk=referral.pk).update(note="Sakit — perlu berobat… 漢字")
    client.force_login(staff["dinkes"])
    response = client.get(reverse("referral_letter", args=[referral.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert 'Wayan "Bagus" S\u00fckr\u00fc' in text
    assert "Sakit - perlu berobat... ??" in text


def test_a_person_without_a_nik_gets_a_letter_too(client, staff, referral):
    Person.objects.filter(pk=referral.case.beneficiary_id).update(
        nik=None, nik_index=None, no_nik_reason="Belum punya KTP"
    )
    client.force_login(staff["dinkes"])
    response = client.get(reverse("referral_letter", args=[referral.pk]))
    assert "Belum memiliki NIK (Belum punya KTP)" in pdf_text(response.content)


# Who may read a referral and its letter: the agency it is addressed to and the case team.
READERS = {"petugas", "peksos", "peksos2", "backoffice", "manajer", "dinkes", "kadinkes"}
ROLES = sorted(READERS | {"dinsos", "petugas_bks"})


@pytest.mark.parametrize("role", ROLES)
def test_referral_page_and_letter_answer_404_outside_the_scope(client, staff, referral, role):
    client.force_login(staff[role])
    expected = 200 if role in READERS else 404
    assert client.get(reverse("referral_detail", args=[referral.pk])).status_code == expected
    assert client.get(reverse("referral_letter", args=[referral.pk])).status_code == expected
    assert AccessLog.objects.filter(user=staff[role]).exists() == (expected == 200)


def test_an_agency_cannot_read_another_agencys_referral_on_the_same_case(client, staff):
    case = referred_case(staff, nik="1904011208850006", services=["pbi-jk", "atensi"])
    dinkes_referral = Referral.objects.get(case=case, agency__code="dinkes-bateng")
    atensi = Referral.objects.get(case=case, agency__code="dinsos-bateng")
    client.force_login(staff["dinsos"])
    assert client.get(reverse("referral_detail", args=[atensi.pk])).status_code == 200
    assert client.get(reverse("referral_detail", args=[dinkes_referral.pk])).status_code == 404
    assert client.get(reverse("referral_letter", args=[dinkes_referral.pk])).status_code == 404
    assert client.get(reverse("referral_detail", args=[999999])).status_code == 404


def test_anonymous_users_are_sent_to_the_login(client, referral):
    for name in ("referral_detail", "referral_letter"):
        response = client.get(reverse(name, args=[referral.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_referral_page_query_count_does_not_grow_with_documents(client, staff, case, referral):
    client.force_login(staff["backoffice"])
    url = reverse("referral_detail", args=[referral.pk])
    with CaptureQueriesContext(connection) as bare:
        client.get(url)
    for code in ("ktp", "kk", "sktm", "foto-rumah", "ktp", "kk"):
        attach(case, code, staff["petugas"])
    with CaptureQueriesContext(connection) as full:
        body = client.get(url).content.decode()
    assert body.count(">Ada<") == 4
    assert len(bare) == len(full)


def test_letter_helpers():
    assert latin1("“Ibu” Ani – 5…") == '"Ibu" Ani - 5...'
    assert latin1("Łódź 日") == "?ódz ?"
    assert long_date(dt.date(2026, 5, 23)) == "23 Mei 2026"
    assert regency_title("KAB. BANGKA TENGAH") == ("KABUPATEN BANGKA TENGAH", "Bangka Tengah")
    assert regency_title("KOTA PANGKAL PINANG") == ("KOTA PANGKAL PINANG", "Pangkal Pinang")
