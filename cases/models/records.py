"""What is recorded on a case: home visits, follow-ups, notes and attachments."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.limits import FINDINGS, NOTE, limited_text
from cases.models.case import Case, Channel


class Recommendation(models.TextChoices):
    ELIGIBLE = "eligible", _("Layak")
    NOT_ELIGIBLE = "not_eligible", _("Tidak layak")


class HomeVisit(models.Model):
    """A social worker's home visit (kunjungan rumah) verifying the request."""

    case = models.ForeignKey(
        Case, verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_at = models.DateTimeField(_("waktu kunjungan"))
    findings = limited_text(_("hasil kunjungan"), FINDINGS)
    household_conditions = limited_text(_("kondisi rumah tangga"), FINDINGS, blank=True)
    recommendation = models.CharField(
        _("rekomendasi"), max_length=15, choices=Recommendation.choices
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kunjungan rumah")
        verbose_name_plural = _("kunjungan rumah")
        ordering = ["-visited_at"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.visited_at:%Y-%m-%d}"


class FollowUpOutcome(models.TextChoices):
    IMPROVED = "improved", _("Membaik")
    UNCHANGED = "unchanged", _("Tetap")
    WORSE = "worse", _("Memburuk")
    NEEDS_MORE_HELP = "needs_more_help", _("Perlu bantuan lanjutan")


class FollowUp(models.Model):
    """A social worker's follow-up (tindak lanjut) after aid was delivered."""

    case = models.ForeignKey(
        Case, verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    contacted_at = models.DateTimeField(_("waktu kontak"))
    outcome = models.CharField(_("hasil"), max_length=20, choices=FollowUpOutcome.choices)
    note = limited_text(_("catatan"), NOTE, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["-contacted_at"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_outcome_display()}"


class NoteKind(models.TextChoices):
    NOTE = "note", _("Catatan")
    ASSESSMENT = "assessment", _("Asesmen")
    SERVICE_DECISION = "decision", _("Penetapan layanan")
    HANDLING = "handling", _("Penanganan")
    RESPONSE = "response", _("Jawaban")
    CLOSURE = "closure", _("Penutupan")


class Note(models.Model):
    """A note on a case: free notes, assessment notes, complaint handling and answers."""

    case = models.ForeignKey(
        Case, verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=NoteKind.choices)
    text = limited_text(_("isi"), NOTE)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catatan")
        verbose_name_plural = _("catatan")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.text[:40]}"


# A name ``cases.attachments.save_attachment`` generated: ``ktp-1904-2026-000012-1.jpg``.
GENERATED_FILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*-[0-9]+\.[a-z]{3,4}")


def attachment_path(instance, filename: str) -> str:
    """``attachments/<case id>/<generated name>``; never the uploader's file name, which
    may hold a NIK or a person's name. A file saved some other way (the admin) gets a
    random name."""
    name = instance.original_name
    if not GENERATED_FILE_NAME.fullmatch(name or ""):
        name = uuid.uuid4().hex
    return f"attachments/{instance.case_id}/{name}"


class AttachmentKind(models.TextChoices):
    KTP = "ktp", _("KTP")
    KK = "kk", _("Kartu Keluarga")
    SKTM = "sktm", _("SKTM")
    VISIT_PHOTO = "visit_photo", _("Foto kunjungan rumah")
    DELIVERY_PROOF = "delivery_proof", _("Bukti penyaluran")
    LETTER = "letter", _("Surat")
    OTHER = "other", _("Lainnya")


class Attachment(models.Model):
    """A document or photo on a case (lampiran): KTP, KK, SKTM, visit photos, proofs."""

    case = models.ForeignKey(
        Case, verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(_("jenis"), max_length=15, choices=AttachmentKind.choices)
    document_type = models.ForeignKey(
        "agencies.DocumentType",
        verbose_name=_("jenis dokumen persyaratan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Dokumen persyaratan layanan yang dipenuhi berkas ini (KTP, KK, SKTM, ...)."),
    )
    file = models.FileField(_("berkas"), upload_to=attachment_path)
    # Named before issue 10, it holds the generated name (cases.attachments), never the
    # uploader's: the file is stored, listed and downloaded under it.
    original_name = models.CharField(
        _("nama berkas"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Dibuat sistem dari jenis berkas dan nomor kasus."),
    )
    content_type = models.CharField(_("tipe"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("ukuran (byte)"), default=0)
    visit = models.ForeignKey(
        HomeVisit,
        verbose_name=_("kunjungan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="photos",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_kind_display()}"
