"""Issue 11, fault 6: files chosen on a form that comes back with errors are kept as pending
uploads of the form's token and its user, shown as attached, filed when the form succeeds,
and deleted after a day when the form is abandoned."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cases.models import Attachment, Case, PendingUpload
from referrals.models import Delivery, Referral
from tests.cases.test_views import FORM
from tests.conftest import NIK_MALE, referred_case
from workflows import services as wf
from workflows.background import run_periodic_jobs
from workflows.models import WorkItem

TOKEN = "0123456789abcdef0123456789abcdef"
ATTACHED_KTP = "Terlampir: KTP"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name: str = "KTP_1904011208850001.png", fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


def test_intake_error_keeps_the_ktp_and_the_corrected_form_files_it(client, staff, media):
    client.force_login(staff["petugas"])
    # The example: an empty description and a KTP chosen.
    refused = client.post(
        reverse("case_open"), dict(FORM, description="", doc_ktp=photo(), form_token=TOKEN)
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and Case.objects.count() == 0
    assert "Uraian" in body and ATTACHED_KTP in body
    assert "KTP_1904011208850001" not in body  # the citizen's file name is not shown
    assert "Berkas perlu dipilih ulang" not in body
    kept = PendingUpload.objects.get()
    assert kept.owner == staff["petugas"] and kept.field == "doc_ktp"
    assert "1904011208850001" not in kept.file.name
    # Sent again with the description, without choosing the file again.
    done = client.post(reverse("case_open"), dict(FORM, form_token=TOKEN))
    assert done.status_code == 302
    case = Case.objects.get()
    ktp = Attachment.objects.get(case=case)
    assert ktp.document_type.code == "ktp" and ktp.original_name.startswith("ktp-")
    assert not PendingUpload.objects.exists()
    assert stored_files(media) == [media / ktp.file.name]  # the pending copy is gone


def test_a_kept_file_can_be_removed_before_sending_again(client, staff):
    client.force_login(staff["petugas"])
    client.post(reverse("case_open"), dict(FORM, description="", doc_ktp=photo(), form_token=TOKEN))
    kept = PendingUpload.objects.get()
    data = dict(FORM, form_token=TOKEN, remove_upload=[str(kept.pk)])
    assert client.post(reverse("case_open"), data).status_code == 302
    assert not Attachment.objects.filter(case=Case.objects.get()).exists()
    assert not PendingUpload.objects.exists()


def test_a_file_refused_on_arrival_is_not_kept(client, staff):
    client.force_login(staff["petugas"])
    bad = SimpleUploadedFile("ktp.exe", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(reverse("case_open"), dict(FORM, doc_ktp=bad, form_token=TOKEN))
    assert response.status_code == 200
    assert "ktp.exe bukan foto (JPG, PNG, WebP) atau PDF." in response.content.decode()
    assert not PendingUpload.objects.exists() and not Case.objects.exists()


def test_pending_upload_older_than_a_day_is_purged_with_its_file(client, staff, media):
    client.force_login(staff["petugas"])
    client.post(reverse("case_open"), dict(FORM, description="", doc_ktp=photo(), form_token=TOKEN))
    kept = PendingUpload.objects.get()
    path = media / kept.file.name
    assert path.exists()
    assert run_periodic_jobs(timezone.now())["pending_uploads_purged"] == 0
    report = run_periodic_jobs(timezone.now() + dt.timedelta(days=1, minutes=1))
    assert report["pending_uploads_purged"] == 1
    assert not PendingUpload.objects.exists() and not path.exists()


def test_another_user_cannot_claim_a_pending_upload_by_id_or_token(client, staff):
    client.force_login(staff["petugas"])
    client.post(reverse("case_open"), dict(FORM, description="", doc_ktp=photo(), form_token=TOKEN))
    kept = PendingUpload.objects.get()
    # A colleague of the same office sends a form with the same token and the upload's id.
    colleague = staff["petugas"].__class__.objects.create_user("petugas2")
    for membership in staff["petugas"].memberships.all():
        membership.pk = None
        membership.user = colleague
        membership.save()
    client.force_login(colleague)
    page = client.post(
        reverse("case_open"),
        dict(FORM, description="", form_token=TOKEN, remove_upload=[str(kept.pk)]),
    )
    assert ATTACHED_KTP not in page.content.decode()
    assert PendingUpload.objects.filter(pk=kept.pk).exists()  # not removed by them either
    assert client.post(reverse("case_open"), dict(FORM, form_token=TOKEN)).status_code == 302
    assert not Attachment.objects.exists()  # their case did not get the KTP
    assert PendingUpload.objects.get().owner == staff["petugas"]


def _delivery_task(staff) -> WorkItem:
    case = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"])
    referral = Referral.objects.get(case=case)
    wf.review_referral(
        actor=staff["dinkes"],
        task_id=WorkItem.objects.open().get(referral=referral, kind="referral_review").pk,
        decision="accept",
    )
    wf.decide_approval(
        actor=staff["kadinkes"],
        task_id=WorkItem.objects.open().get(referral=referral, kind="approval").pk,
        decision="approve",
    )
    return WorkItem.objects.open().get(referral=referral, kind="delivery")


def test_delivery_form_error_keeps_the_proof_and_files_it_when_corrected(client, staff):
    task = _delivery_task(staff)
    client.force_login(staff["dinkes"])
    url = reverse("task_complete", args=[task.pk])
    delivery = {
        f"t{task.pk}-delivered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        f"t{task.pk}-items": "KIS PBI aktif kembali",
        "form_token": TOKEN,
    }
    # No channel chosen: the form comes back, the proof is kept.
    refused = client.post(url, dict(delivery, **{f"t{task.pk}-proof": photo("BUKTI.jpg", "JPEG")}))
    assert refused.status_code == 400
    assert "Terlampir: Bukti penyaluran 1" in refused.content.decode()
    done = client.post(url, dict(delivery, **{f"t{task.pk}-channel": "service"}))
    assert done.status_code == 302
    proof = Delivery.objects.get(referral=task.referral).proof
    assert proof is not None and proof.kind == "delivery_proof"
    assert not PendingUpload.objects.exists()
