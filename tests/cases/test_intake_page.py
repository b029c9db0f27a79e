"""The intake page's helpers: NIK lookup, region picker, documents, double-aid warning;
and the case page's notes and documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AccessLog, Attachment, Case, Note
from tests.cases.test_views import FORM
from tests.conftest import AIR_MESU, NIBUNG, NIK_FEMALE, NIK_MALE, intake
from tests.workflows.test_case_flow import accept_and_approve, deliver, refer, verify

# A one-pixel PNG: uploads are decoded (cases.attachments), so it must be a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)


def png(name="ktp.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def login(client, user):
    client.force_login(user)
    return client


def lookup(client, nik, prefix="applicant", **extra):
    return client.post(
        reverse("intake_nik_lookup"), {"prefix": prefix, f"{prefix}-nik": nik, **extra}
    )


def test_registered_nik_shows_the_person_their_open_cases_and_is_logged(client, staff):
    case = intake(staff["petugas"]).case
    body = lookup(login(client, staff["petugas"]), NIK_MALE).content.decode()
    assert "Sudah terdaftar" in body
    assert "Budi Santoso" in body and case.number in body
    # Identity fields are not offered again: the case links to the registered record.
    assert 'name="applicant-full_name"' not in body
    assert NIK_MALE not in body
    log = AccessLog.objects.get(route="intake_nik_lookup")
    assert log.user == staff["petugas"] and log.person == case.beneficiary


def test_new_nik_prefills_birth_date_and_sex_read_from_the_nik(client, staff):
    body = lookup(login(client, staff["petugas"]), NIK_FEMALE).content.decode()
    assert "NIK belum terdaftar" in body
    assert 'value="1985-08-12"' in body
    assert '<option value="F" selected>' in body
    assert not AccessLog.objects.exists()


def test_invalid_nik_says_which_rule_it_breaks(client, staff):
    body = lookup(login(client, staff["petugas"]), "19040112").content.decode()
    assert "NIK harus 16 digit (yang diisi 8 digit)." in body


def test_nik_registered_in_another_regency_reveals_nothing_about_the_person(client, staff):
    intake(staff["petugas"])
    body = lookup(login(client, staff["petugas_bks"]), NIK_MALE).content.decode()
    assert "di luar wilayah kerja Anda" in body
    assert "Budi" not in body
    assert not AccessLog.objects.filter(route="intake_nik_lookup").exists()


@pytest.mark.parametrize("role", ["dinkes", "peksos"])
def test_only_intake_roles_may_look_up_a_nik(client, staff, role):
    assert lookup(login(client, staff[role]), NIK_MALE).status_code == 404
    assert client.get(reverse("region_picker"), {"prefix": "applicant"}).status_code == 404


def test_region_picker_preselects_a_village_officers_own_village(client, staff):
    body = (
        login(client, staff["petugas"])
        .get(reverse("region_picker"), {"prefix": "applicant"})
        .content.decode()
    )
    assert f'<option value="{NIBUNG}" selected>Nibung</option>' in body
    assert AIR_MESU not in body


def test_region_picker_cascades_and_searches_within_the_officers_regency(client, staff):
    login(client, staff["backoffice"])
    body = client.get(
        reverse("region_picker"), {"prefix": "applicant", "code": "19.04.01"}
    ).content.decode()
    assert f'<option value="{NIBUNG}">Nibung</option>' in body
    assert AIR_MESU not in body  # another district's village
    found = client.get(reverse("region_picker"), {"prefix": "applicant", "q": "mesu"})
    assert "Air Mesu" in found.content.decode()
    # Outside the officer's regency nothing is found.
    outside = client.get(reverse("region_picker"), {"prefix": "applicant", "q": "bengkalis"})
    assert "Tidak ada desa di wilayah kerja Anda yang cocok." in outside.content.decode()


def test_documents_uploaded_at_intake_are_filed_and_the_rest_listed(client, staff):
    login(client, staff["petugas"])
    data = dict(FORM, doc_ktp=png(), doc_kk=[png("kk-depan.png"), png("kk-belakang.png")])
    response = client.post(reverse("case_open"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    codes = sorted(a.document_type.code for a in Attachment.objects.filter(case=case))
    assert codes == ["kk", "kk", "ktp"]
    page = client.get(response["Location"]).content.decode()
    # The officer is told at intake what is still missing ...
    message = page.split('class="alert alert-warning', 1)[1].split("</div>", 1)[0]
    assert "Surat Keterangan Tidak Mampu (SKTM)" in message and "KTP" not in message.replace(
        "SKTM", ""
    )
    # ... and the case page says it while it is true (issue 13): uploading it removes it.
    note = page.split('id="missing-documents"', 1)[1].split("</div>", 1)[0]
    assert "Surat Keterangan Tidak Mampu (SKTM)" in note and "Kartu Keluarga (KK)" not in note
    assert not any(w.startswith("Berkas") for w in Case.objects.get().intake_warnings)
    assert "Kelengkapan berkas" in page and "Belum ada" in page
    client.post(
        reverse("case_add_document", args=[case.number]),
        {"document_type": "sktm", "files": png("sktm.png")},
    )
    page = client.get(response["Location"]).content.decode()
    note = page.split('id="missing-documents"', 1)[-1].split("</div>", 1)[0]
    assert "Surat Keterangan Tidak Mampu (SKTM)" not in note


def test_a_file_that_is_not_a_document_is_refused_next_to_its_field(client, staff):
    login(client, staff["petugas"])
    bad = SimpleUploadedFile("ktp.exe", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(reverse("case_open"), dict(FORM, doc_ktp=bad))
    assert response.status_code == 200
    assert "ktp.exe bukan foto (JPG, PNG, WebP) atau PDF." in response.content.decode()
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_double_aid_is_shown_before_saving_and_needs_confirmation(client, staff):
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)
    login(client, staff["petugas"])
    data = dict(FORM, requested_services=["jamkesda"])  # same aid type as PBI-JK
    response = client.post(reverse("case_open"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Kemungkinan bantuan ganda" in body
    assert Case.objects.count() == 1
    confirmed = client.post(reverse("case_open"), dict(data, confirm_double_aid="1"))
    assert confirmed.status_code == 302 and Case.objects.count() == 2


def test_double_aid_panel_says_nothing_of_a_person_outside_the_officers_area(client, staff):
    first = intake(staff["petugas"]).case
    verify(staff, first)
    refer(staff, first, "pbi-jk")
    accept_and_approve(staff, first)
    deliver(staff, first)
    login(client, staff["petugas_bks"])
    data = {
        **FORM,
        "requested_services": ["jamkesda"],
        "applicant-nik": "",
        "applicant-no_nik_reason": "KTP hilang",
        "applicant-region": "14.03.01.1001",
        "applicant-existing_person_id": first.beneficiary.pk,
    }
    body = client.post(reverse("case_open"), data).content.decode()
    assert "Kemungkinan bantuan ganda" not in body and "PBI-JK" not in body.split("<form")[0]
    assert "Data penduduk tidak ditemukan." in body
    assert Case.objects.count() == 1


def test_case_team_adds_notes_and_documents_on_the_case_page(client, staff):
    case = intake(staff["petugas"]).case
    login(client, staff["peksos"])
    response = client.post(
        reverse("case_add_note", args=[case.number]), {"text": "Ibu minta dikunjungi sore."}
    )
    assert response.status_code == 302
    note = Note.objects.get(case=case)
    assert note.author == staff["peksos"] and note.history.get().history_user == staff["peksos"]
    response = client.post(
        reverse("case_add_document", args=[case.number]),
        {"document_type": "sktm", "files": [png("sktm.png")]},
    )
    assert response.status_code == 302
    page = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "Ibu minta dikunjungi sore." in page
    sktm = Attachment.objects.get(case=case)
    assert sktm.document_type.code == "sktm"
    assert sktm.history.get().history_user == staff["peksos"]
    empty = client.post(reverse("case_add_note", args=[case.number]), {"text": " "})
    assert empty.status_code == 400 and "Bidang ini harus diisi." in empty.content.decode()


def test_agency_and_other_regency_cannot_add_notes(client, staff):
    case = intake(staff["petugas"]).case
    verify(staff, case)
    refer(staff, case, "pbi-jk")
    login(client, staff["dinkes"])  # sees the referred case, but is not the case team
    response = client.post(reverse("case_add_note", args=[case.number]), {"text": "x"})
    assert response.status_code == 302 and not Note.objects.exists()
    login(client, staff["petugas_bks"])
    response = client.post(reverse("case_add_note", args=[case.number]), {"text": "x"})
    assert response.status_code == 404 and not Note.objects.exists()
