"""Who saw what (access log), answers kept for Idempotency-Key, and files waiting on a form."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.registry import Person


class AccessAction(models.TextChoices):
    VIEW_CASE = "view_case", _("Melihat kasus")
    VIEW_PERSON = "view_person", _("Melihat data penduduk")
    REVEAL_NIK = "reveal_nik", _("Menampilkan NIK lengkap")
    DOWNLOAD = "download", _("Mengunduh lampiran")
    EXPORT = "export", _("Mengekspor data")
    PRINT_LETTER = "print_letter", _("Mencetak surat rujukan")
    MERGE = "merge_people", _("Menggabungkan data ganda")
    PRINT = "print", _("Mencetak dokumen")


class AccessLog(models.Model):
    """Who read which citizen's data, when, and why (UU 27/2022 PDP): append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    action = models.CharField(_("tindakan"), max_length=15, choices=AccessAction.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("kasus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("penduduk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_logs",
    )
    route = models.CharField(_("rute"), max_length=100)
    purpose = models.CharField(_("tujuan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["person", "-at"]),
            models.Index(fields=["case", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` (see config.idempotency).

    Replayed only to the user who sent it, for 24 hours (``cases.idempotency``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_record_per_user_key")
        ]

    def __str__(self) -> str:
        return self.key


def pending_upload_path(instance, filename: str) -> str:
    """``pending/<random>``: never the uploader's file name (see cases.attachments); the
    type is found again from the bytes when the file becomes an attachment."""
    return f"pending/{uuid.uuid4().hex}"


class PendingUpload(models.Model):
    """A checked file chosen on a form that came back with errors (issue 11, fault 6).

    Kept for its owner and the form's one-time token (``cases.form_tokens``), shown as
    attached when the page comes back and turned into an attachment when the form succeeds
    (``cases.pending_uploads``). An abandoned one is deleted, file and all, after a day.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.CharField(max_length=32)
    field = models.CharField(max_length=100)  # the form field's HTML name, e.g. "doc_ktp"
    file = models.FileField(upload_to=pending_upload_path, max_length=200)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "token"])]
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.field
