"""The referral letter as an office sends it (issue 13): only this referral's reason and
documents, the office's signing official and logo, and a verification code that anyone
holding the paper can check without seeing personal data."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from agencies.models import Office
from cases.models import Note
from referrals.letters import display_code
from referrals.models import Referral
from tests.conftest import NIK_MALE, intake, open_task
from tests.referrals.test_referral_pages import pdf_text
from tests.workflows.test_case_flow import verify
from workflows import services as wf

INTERNAL = "Catatan internal: keluarga pernah menolak kunjungan, hati-hati."


@pytest.fixture
def two_referrals(staff):
    """PBI-JK to the health office and ATENSI to the social office, each with its reason,
    and an internal assessment note."""
    case = intake(
        staff["petugas"],
        requested_services=["pbi-jk", "atensi"],
        description="KIS nonaktif; anak sering dipukul ayah tiri.",
    ).case
    verify(staff, case)
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[
            {"service": "pbi-jk", "note": "KIS PBI nonaktif sejak Oktober, perlu berobat."},
            {"service": "atensi", "note": "Pendampingan anak korban kekerasan."},
        ],
        note=INTERNAL,
    )
    return {r.service.code: r for r in Referral.objects.filter(case=case)}


def letter(client, user, referral) -> str:
    client.force_login(user)
    response = client.get(reverse("referral_letter", args=[referral.pk]))
    assert response.status_code == 200
    return pdf_text(response.content)


def test_the_letter_says_only_what_this_agency_is_asked(client, staff, two_referrals):
    assert Note.objects.filter(text=INTERNAL).exists()
    text = letter(client, staff["dinsos"], two_referrals["atensi"])
    assert "Pendampingan anak korban kekerasan." in text
    for hidden in (
        INTERNAL,
        "KIS PBI nonaktif",  # the other agency's reason
        "PBI-JK",  # the other agency's service
        "KIS nonaktif; anak sering dipukul",  # the citizen's whole request
        "Surat pernyataan",  # a document only PBI-JK requires
    ):
        assert hidden not in text, hidden
    assert "KTP (" in text and "Kartu Keluarga" in text


def test_the_office_signing_official_signs(client, staff, offices, two_referrals):
    Office.objects.filter(pk=offices["slrt"].pk).update(
        signatory_name="Drs. Hendra Gunawan, M.Si.",
        signatory_position="Kepala Dinas Sosial Kabupaten Bangka Tengah",
        signatory_nip="196805121994031007",
    )
    text = letter(client, staff["dinkes"], two_referrals["pbi-jk"])
    assert "Kepala Dinas Sosial Kabupaten" in text.replace("\n", " ")
    assert "Drs. Hendra Gunawan, M.Si." in text
    assert "NIP. 196805121994031007" in text
    assert "backoffice" not in text


def test_the_office_logo_is_on_the_letterhead(
    client, staff, offices, two_referrals, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (40, 40), (20, 90, 160)).save(png, format="PNG")
    office = offices["slrt"]
    office.logo = SimpleUploadedFile("logo bateng.png", png.getvalue(), content_type="image/png")
    office.full_clean()
    office.save()
    assert office.logo.name.startswith("office-logos/") and "bateng" not in office.logo.name
    client.force_login(staff["dinkes"])
    response = client.get(reverse("referral_letter", args=[two_referrals["pbi-jk"].pk]))
    assert b"/Subtype /Image" in response.content


def test_a_signature_needs_a_name_with_a_position_and_an_18_digit_nip(offices):
    office = offices["slrt"]
    office.signatory_name = "Hendra"
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert "signatory_position" in refused.value.message_dict
    office.signatory_position = "Kepala Dinas Sosial"
    office.signatory_nip = "19680512199403100"  # 17 digits
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert refused.value.message_dict["signatory_nip"] == ["NIP terdiri atas 18 digit angka."]


def test_anyone_holding_the_letter_checks_it_without_seeing_who_it_is_for(
    client, staff, two_referrals, settings
):
    settings.PUBLIC_BASE_URL = "https://simpul.bangkatengahkab.go.id/"
    referral = two_referrals["pbi-jk"]
    code = display_code(referral.verification_code)
    printed = letter(client, staff["dinkes"], referral)
    assert code in printed
    # The public address, not the host it was printed from.
    assert "https://simpul.bangkatengahkab.go.id/cek-surat/" in printed
    client.logout()
    # Typed from paper: lower case, spaces instead of dashes.
    typed = code.lower().replace("-", " ")
    response = client.get(reverse("letter_check"), {"kode": typed})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-letter-check="current"' in body
    assert "Dinas Kesehatan Bangka Tengah" in body and "PBI-JK" in body
    # The number it shows is the letter's own (which names the case), as printed on it.
    for personal in ("Budi Santoso", NIK_MALE, "Nibung", "Koba"):
        assert personal not in body, personal

    wf.revoke_referral(actor=staff["backoffice"], referral_id=referral.pk, reason="Salah kirim.")
    body = client.get(reverse("letter_check"), {"kode": code}).content.decode()
    assert 'data-letter-check="withdrawn"' in body and "tidak berlaku lagi" in body

    unknown = client.get(reverse("letter_check"), {"kode": "2345-6789-ABCD"})
    assert unknown.status_code == 404 and 'data-letter-check="unknown"' in unknown.content.decode()


def test_codes_cannot_be_tried_in_bulk(client, settings, db):
    settings.LETTER_CHECK_RATE = "3/m"
    # Opening the empty form costs nothing (one desk, one address, many visitors).
    assert {client.get(reverse("letter_check")).status_code for _i in range(5)} == {200}
    answers = [
        client.get(reverse("letter_check"), {"kode": f"2345-6789-ABC{i}"}).status_code
        for i in range(4)
    ]
    assert answers == [404, 404, 404, 429]
