"""Issue 10, fault 5: a delivery proof (``BUKTI_<NIK>.jpg``) is an attachment of the case like
any other: a generated name, listed on the referral and case pages, downloaded through the
access-checked, access-logged attachment route by the agency and the case team only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLog, Attachment, AttachmentKind
from referrals.models import Delivery, Referral
from tests.conftest import NIK_MALE, referred_case
from workflows import services as wf
from workflows.models import WorkItem

# A one-pixel JPEG: uploads are decoded (cases.attachments), so it must be a real image.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb00430008060607060508"
    "0707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720"
    "222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001"
    "000101011100ffc40014000100000000000000000000000000000007ffc40014"
    "100100000000000000000000000000000000ffda0008010100003f007f7fffd9"
)
CITIZEN_FILE_NAME = "BUKTI_1904011208850001.jpg"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(staff):
    # Referred to two agencies: Dinkes (PBI-JK) and Dinsos (ATENSI).
    return referred_case(staff, nik=NIK_MALE, services=["pbi-jk", "atensi"])


@pytest.fixture
def referral(case):
    return Referral.objects.get(case=case, agency__code="dinkes-bateng")


def task(referral, kind: str) -> WorkItem:
    return WorkItem.objects.open().get(referral=referral, kind=kind)


@pytest.fixture
def proof(staff, referral) -> Attachment:
    """Dinkes delivers with a photo its officer's phone named after the citizen's NIK."""
    wf.review_referral(
        actor=staff["dinkes"], task_id=task(referral, "referral_review").pk, decision="accept"
    )
    wf.decide_approval(
        actor=staff["kadinkes"], task_id=task(referral, "approval").pk, decision="approve"
    )
    wf.record_delivery(
        actor=staff["dinkes"],
        task_id=task(referral, "delivery").pk,
        delivered_at=timezone.now(),
        channel="service",
        items="KIS PBI aktif kembali",
        proof=SimpleUploadedFile(CITIZEN_FILE_NAME, JPEG, content_type="image/jpeg"),
    )
    return Delivery.objects.get(referral=referral).proof


def test_delivery_proof_is_a_case_attachment_with_a_generated_name(case, proof, media):
    expected = f"delivery-proof-{case.number}-1.jpg"
    assert proof.case == case and proof.kind == AttachmentKind.DELIVERY_PROOF
    assert proof.original_name == expected
    assert proof.file.name == f"attachments/{case.pk}/{expected}"
    assert (media / proof.file.name).read_bytes() == JPEG
    for row in Attachment.history.filter(id=proof.pk):
        assert NIK_MALE not in row.original_name and NIK_MALE not in row.file
    for row in Delivery.history.filter(referral_id=proof.delivery.referral_id):
        assert row.proof_id in (None, proof.pk)
    assert NIK_MALE not in "".join(p.name for p in media.rglob("*"))


def test_proof_is_listed_on_the_referral_page_and_the_case_page(client, staff, case, proof):
    link = f'href="{reverse("attachment_download", args=[proof.pk])}"'
    referral = proof.delivery.referral
    for user in ("dinkes", "backoffice"):
        client.force_login(staff[user])
        page = client.get(reverse("referral_detail", args=[referral.pk])).content.decode()
        assert link in page, user
        assert "Lihat bukti penyaluran" in page
        case_page = client.get(reverse("case_detail", args=[case.number])).content.decode()
        assert link in case_page, user


@pytest.mark.parametrize("user", ["dinkes", "kadinkes", "backoffice", "peksos"])
def test_the_agency_and_the_case_team_download_the_proof_and_it_is_logged(
    client, staff, case, proof, user
):
    client.force_login(staff[user])
    response = client.get(reverse("attachment_download", args=[proof.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="delivery-proof-{case.number}-1.jpg"'
    )
    assert b"".join(response.streaming_content) == JPEG
    log = AccessLog.objects.get(user=staff[user], route="attachment_download")
    assert log.action == "download" and log.case == case


@pytest.mark.parametrize("user", ["dinsos", "petugas_bks"])
def test_another_agency_gets_404_for_the_proof(client, staff, proof, user):
    # Dinsos has a referral of its own on the same case, and still may not open Dinkes' proof.
    client.force_login(staff[user])
    assert client.get(reverse("attachment_download", args=[proof.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=staff[user], route="attachment_download").exists()
