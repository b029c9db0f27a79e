"""Berita acara kunjungan rumah (issue 15): the minutes of a recorded home visit."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cases.models import AccessLog, HomeVisit, Person
from cases.nik import mask_nik
from core.pdf import latin1
from tests.conftest import NIBUNG, NIK_FEMALE, NIK_MALE, intake, open_task, person, referred_case
from workflows import services as wf

CHILD_NIK = "1904011506150003"
FINDINGS = "Rumah papan 4x6 m, atap bocor; anak demam sejak tiga hari."
CONDITIONS = "Lima anggota keluarga, kepala keluarga buruh harian."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(color: str, size=(1600, 1200)) -> SimpleUploadedFile:
    """A phone-sized photo: the minutes must shrink it, not embed megabytes."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def visited_family_case(staff, photos=()):
    """Budi's case (head of his family card, with his wife and child on it), visited by the
    social worker with ``photos``."""
    case = intake(
        staff["petugas"], applicant=person(relationship="head"), kk_number="1904010101200001"
    ).case
    for full_name, nik, relationship in (
        ("Siti Aminah", NIK_FEMALE, "spouse"),
        ("Rina Santoso", CHILD_NIK, "child"),
    ):
        Person.objects.create(
            full_name=full_name,
            nik=nik,
            sex="F",
            region_id=NIBUNG,
            family=case.beneficiary.family,
            relationship=relationship,
        )
    wf.complete_verification(
        actor=staff["peksos"],
        task_id=open_task(case, "verification").pk,
        visited_at=timezone.now(),
        findings=FINDINGS,
        household_conditions=CONDITIONS,
        recommendation="eligible",
        latitude=None,
        longitude=None,
        photos=list(photos),
    )
    return case, HomeVisit.objects.get(case=case)


def minutes_url(case, visit) -> str:
    return reverse("case_visit_minutes", args=[case.number, visit.pk])


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_minutes_name_the_household_with_masked_niks_the_findings_and_the_signatories(
    client, staff
):
    case, visit = visited_family_case(staff)
    client.force_login(staff["peksos"])

    response = client.get(minutes_url(case, visit))

    text = text_of(pdf_of(response))
    assert "BERITA ACARA KUNJUNGAN RUMAH" in text and case.number in text
    for nik in (NIK_MALE, NIK_FEMALE, CHILD_NIK):
        assert nik not in text.replace(" ", "")  # the paper leaves the office
        assert nik not in response["Content-Disposition"]
    assert latin1(mask_nik(NIK_FEMALE)) in text and latin1(mask_nik(CHILD_NIK)) in text
    assert "Siti Aminah" in text and "Rina Santoso" in text and "Anak" in text
    assert "Kepala keluarga" in text and f"Budi Santoso (NIK {latin1(mask_nik(NIK_MALE))})" in text
    # Every recorded finding under its own label, then the recommendation.
    assert "Hasil kunjungan" in text and "atap bocor" in text
    assert "Kondisi rumah tangga" in text and "buruh harian" in text
    assert "dinilai: Layak" in text
    assert "Tidak ada foto." in text
    # Three signature lines: the officer, the head of the household, the office head.
    assert "Petugas yang berkunjung" in text and "Kepala rumah tangga / warga" in text
    assert "Mengetahui," in text and "Kepala SLRT Bangka Tengah" in text
    assert case.number in response["Content-Disposition"]


def test_the_minutes_embed_the_visit_photos_small(client, staff):
    case, visit = visited_family_case(staff, photos=[jpeg("red"), jpeg("blue", (900, 1600))])
    client.force_login(staff["peksos"])

    reader = pdf_of(client.get(minutes_url(case, visit)))

    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2
    assert all(max(image.image.size) <= 400 for image in images)  # shrunk, not 1600 px
    assert "Foto 1" in text_of(reader) and "Foto 2" in text_of(reader)


def test_a_photo_missing_from_storage_or_broken_is_noted_and_the_rest_printed(client, staff):
    case, visit = visited_family_case(staff, photos=[jpeg("red"), jpeg("green"), jpeg("blue")])
    first, second, _third = visit.photos.order_by("uploaded_at", "pk")
    first.file.storage.delete(first.file.name)
    with second.file.storage.open(second.file.name, "wb") as handle:
        handle.write(b"not a picture any more")
    client.force_login(staff["peksos"])

    reader = pdf_of(client.get(minutes_url(case, visit)))

    assert len([image for page in reader.pages for image in page.images]) == 1
    assert text_of(reader).count("Foto tidak dapat dibaca") == 2


def test_printing_the_minutes_writes_one_access_log_row(client, staff):
    case, visit = visited_family_case(staff)
    client.force_login(staff["backoffice"])

    before = AccessLog.objects.filter(action="print").count()
    client.get(minutes_url(case, visit))

    rows = AccessLog.objects.filter(action="print")
    assert rows.count() == before + 1
    row = rows.latest("at")
    assert (row.user, row.case, row.route) == (staff["backoffice"], case, "case_visit_minutes")
    assert row.person == case.beneficiary


@pytest.mark.parametrize("who", ["petugas", "peksos", "peksos2", "backoffice", "manajer"])
def test_the_case_team_prints_the_minutes(client, staff, who):
    case, visit = visited_family_case(staff)
    client.force_login(staff[who])
    assert client.get(minutes_url(case, visit)).status_code == 200


@pytest.mark.parametrize("who", ["petugas_bks", "dinkes", "dinsos"])
def test_no_minutes_of_a_case_not_seen(client, staff, who):
    case, visit = visited_family_case(staff)
    client.force_login(staff[who])
    assert client.get(minutes_url(case, visit)).status_code == 404
    assert not AccessLog.objects.filter(action="print").exists()


def test_an_agency_seeing_a_referred_case_prints_no_minutes(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    visit = HomeVisit.objects.get(case=case)
    client.force_login(staff["dinkes"])
    assert client.get(minutes_url(case, visit)).status_code == 403
    assert not AccessLog.objects.filter(action="print").exists()


def test_a_visit_of_another_case_answers_like_one_that_does_not_exist(client, staff):
    case, _visit = visited_family_case(staff)
    other = referred_case(staff, nik="1904011208850009", services=["pbi-jk"])
    other_visit = HomeVisit.objects.get(case=other)
    client.force_login(staff["peksos"])
    assert client.get(minutes_url(case, other_visit)).status_code == 404
    missing = reverse("case_visit_minutes", args=[case.number, 999_999])
    assert client.get(missing).status_code == 404


def test_the_case_page_offers_the_minutes_of_each_visit_to_the_case_team_only(client, staff):
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    url = minutes_url(case, HomeVisit.objects.get(case=case))
    client.force_login(staff["peksos"])
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert url in page and "Cetak berita acara" in page
    client.force_login(staff["dinkes"])
    assert url not in client.get(reverse("case_detail", args=[case.number])).content.decode()


def test_an_officer_reading_english_prints_the_minutes_in_bahasa_indonesia(client, staff):
    case, visit = visited_family_case(staff)
    client.force_login(staff["peksos"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert '<html lang="en">' in page

    text = text_of(pdf_of(client.get(minutes_url(case, visit))))

    assert "Hasil kunjungan" in text and "Kondisi rumah tangga" in text
    assert "dinilai: Layak" in text and "Istri/suami" in text
