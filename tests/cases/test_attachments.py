"""Issue 10, fault 5: the uploader's file name (``KTP_<NIK>.jpg``) is stored nowhere: not in
the attachment row, its history, the storage path, nor the name a download is offered under."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import AccessLog, Attachment
from cases.services import DocumentInput, add_documents
from tests.conftest import NIK_MALE, intake

# A one-pixel JPEG: uploads are decoded (cases.attachments), so it must be a real image.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb00430008060607060508"
    "0707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720"
    "222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001"
    "000101011100ffc40014000100000000000000000000000000000007ffc40014"
    "100100000000000000000000000000000000ffda0008010100003f007f7fffd9"
)
CITIZEN_FILE_NAME = "KTP_1904011208850001.jpg"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload_ktp(staff, case, name: str = CITIZEN_FILE_NAME) -> Attachment:
    (attachment,) = add_documents(
        actor=staff["petugas"],
        case=case,
        documents=[
            DocumentInput(
                upload=SimpleUploadedFile(name, JPEG, content_type="image/jpeg"),
                document_type="ktp",
            )
        ],
    )
    return attachment


def test_uploaded_ktp_is_stored_under_a_generated_name(staff, media):
    case = intake(staff["petugas"]).case
    attachment = upload_ktp(staff, case)
    expected = f"ktp-{case.number}-1.jpg"
    assert attachment.original_name == expected
    assert attachment.file.name == f"attachments/{case.pk}/{expected}"
    assert (media / attachment.file.name).read_bytes() == JPEG
    for row in Attachment.history.filter(id=attachment.pk):
        assert NIK_MALE not in row.original_name and NIK_MALE not in row.file
    assert NIK_MALE not in "".join(p.name for p in media.rglob("*"))


def test_each_file_of_a_sort_gets_the_next_number(staff):
    case = intake(staff["petugas"]).case
    first = upload_ktp(staff, case)
    second = upload_ktp(staff, case, name="KTP belakang.jpg")
    assert [first.original_name, second.original_name] == [
        f"ktp-{case.number}-1.jpg",
        f"ktp-{case.number}-2.jpg",
    ]
    assert first.file.name != second.file.name


def test_intake_upload_gets_a_generated_name_too(staff):
    case = intake(
        staff["petugas"],
        documents=[
            DocumentInput(
                upload=SimpleUploadedFile(CITIZEN_FILE_NAME, JPEG, content_type="image/jpeg"),
                document_type="ktp",
            )
        ],
    ).case
    (attachment,) = case.attachments.all()
    assert attachment.original_name == f"ktp-{case.number}-1.jpg"


def test_download_offers_the_generated_name_and_is_logged(client, staff):
    case = intake(staff["petugas"]).case
    attachment = upload_ktp(staff, case)
    client.force_login(staff["backoffice"])
    response = client.get(reverse("attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ktp-{case.number}-1.jpg"'
    assert NIK_MALE not in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == JPEG
    log = AccessLog.objects.get(user=staff["backoffice"], route="attachment_download")
    assert log.action == "download" and log.case == case


def test_api_upload_and_download_keep_no_citizen_file_name(staff):
    case = intake(staff["petugas"]).case
    api = APIClient()
    api.force_authenticate(staff["petugas"])
    created = api.post(
        reverse("api:case_attachments", args=[case.number]),
        {"document_type": "ktp", "file": SimpleUploadedFile(CITIZEN_FILE_NAME, JPEG)},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert NIK_MALE not in created.content.decode()
    attachment = Attachment.objects.get(pk=created.json()["id"])
    assert attachment.original_name == f"ktp-{case.number}-1.jpg"
    download = api.get(created.json()["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="ktp-{case.number}-1.jpg"'
    assert AccessLog.objects.filter(
        user=staff["petugas"], route="api:attachment_download", case=case
    ).exists()


def test_a_refused_upload_does_not_echo_the_nik_in_its_file_name(staff):
    case = intake(staff["petugas"]).case
    api = APIClient()
    api.force_authenticate(staff["petugas"])
    refused = api.post(
        reverse("api:case_attachments", args=[case.number]),
        {"document_type": "ktp", "file": SimpleUploadedFile("KTP_1904011208850001.txt", b"hi")},
        format="multipart",
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "bukan foto" in body and NIK_MALE not in body
