"""The citizen registry (people, family cards) and the Case.

People and families are deactivated, never deleted: a deceased person keeps their record,
their life status says why they left. Every model keeps a simple-history trail.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from agencies.models import PpksCategory, Region, Service

from .crypto import EncryptedCharField, blind_index
from .limits import DESCRIPTION, FINDINGS, NOTE, REASON, limited_text, validate_birth_date
from .nik import (
    is_ascii_digits,
    mask_nik,
    normalize_number,
    normalize_phone,
    validate_kk_number,
    validate_nik,
    validate_phone,
)

rt_rw_validator = RegexValidator(r"^[0-9]{1,3}\Z", _("RT/RW berupa angka 0-9, 1-3 digit."))


def canonical_number(value: str, *, field: str) -> str:
    """``value`` normalised (``normalize_number``) for storing and indexing, or ValueError
    naming ``field``: the forms, serializers and services refuse such input first with a
    message for the officer, so this only stops a caller that skipped them."""
    number = normalize_number(value)
    if not is_ascii_digits(number):
        raise ValueError(f"{field} must be ASCII digits 0-9 once normalised")
    return number


def normalize_name(name: str) -> str:
    """Lower-case, accent-free, single-spaced name used for likely-duplicate matching."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace(".", " ").replace(",", " ").split())


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class LifeStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    DECEASED = "deceased", _("Meninggal dunia")
    MOVED = "moved", _("Pindah domisili")
    NOT_FOUND = "not_found", _("Tidak ditemukan")
    GRADUATED = "graduated", _("Sudah mampu (graduasi)")


class RegistryStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Belum dicek")
    IN_DTSEN = "in_dtsen", _("Terdaftar di DTKS/DTSEN")
    NOT_IN_DTSEN = "not_in_dtsen", _("Tidak terdaftar")


class Relationship(models.TextChoices):
    HEAD = "head", _("Kepala keluarga")
    SPOUSE = "spouse", _("Istri/suami")
    CHILD = "child", _("Anak")
    PARENT = "parent", _("Orang tua")
    IN_LAW = "in_law", _("Menantu/mertua")
    GRANDCHILD = "grandchild", _("Cucu")
    OTHER = "other", _("Famili lain")


class FamilyQuerySet(models.QuerySet):
    def by_kk_number(self, kk_number: str) -> FamilyQuerySet:
        return self.filter(kk_index=blind_index(kk_number))


class Family(models.Model):
    """A family card (Kartu Keluarga). Many people share one KK; the KK number is the family's."""

    kk_number = EncryptedCharField(_("nomor KK"), validators=[validate_kk_number])
    kk_index = models.CharField(max_length=64, unique=True, editable=False)
    registry_status = models.CharField(
        _("status DTKS/DTSEN"),
        max_length=15,
        choices=RegistryStatus.choices,
        default=RegistryStatus.UNKNOWN,
    )
    decile = models.PositiveSmallIntegerField(
        _("desil"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    registry_as_of = models.DateField(_("per tanggal"), null=True, blank=True)
    registry_source = models.CharField(_("sumber data"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    history = HistoricalRecords()

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("keluarga (KK)")
        verbose_name_plural = _("keluarga (KK)")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decile__isnull=True) | Q(decile__gte=1, decile__lte=10),
                name="family_decile_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return _("KK %(number)s") % {"number": mask_nik(self.kk_number)}

    def save(self, *args, **kwargs) -> None:
        self.kk_number = canonical_number(self.kk_number, field="Family.kk_number")
        self.kk_index = blind_index(self.kk_number)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "kk_number", "kk_index"}
        super().save(*args, **kwargs)

    @property
    def masked_kk_number(self) -> str:
        return mask_nik(self.kk_number)

    @property
    def head(self) -> Person | None:
        return self.members.filter(relationship=Relationship.HEAD).first()


class PersonQuerySet(models.QuerySet):
    def by_nik(self, nik: str) -> PersonQuerySet:
        return self.filter(nik_index=blind_index(nik))


class Person(models.Model):
    """A citizen. One record per NIK; people without a NIK yet can be registered and flagged.

    The NIK is stored encrypted; ``nik_index`` (a keyed hash) finds a person by NIK.
    """

    nik = EncryptedCharField(_("NIK"), null=True, blank=True, validators=[validate_nik])
    nik_index = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001 (NULL for people without a NIK; unique allows many)
    no_nik_reason = models.CharField(
        _("alasan tanpa NIK"),
        max_length=200,
        blank=True,
        help_text=_("Bayi baru lahir, belum punya dokumen kependudukan, dsb."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    search_name = models.CharField(max_length=150, db_index=True, editable=False)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(
        _("tanggal lahir"), null=True, blank=True, validators=[validate_birth_date]
    )
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[validate_phone])
    region = models.ForeignKey(
        Region,
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    street = models.CharField(_("alamat jalan"), max_length=255, blank=True)
    family = models.ForeignKey(
        Family,
        verbose_name=_("keluarga (KK)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    relationship = models.CharField(
        _("hubungan dalam KK"), max_length=12, choices=Relationship.choices, blank=True
    )
    life_status = models.CharField(
        _("status"), max_length=12, choices=LifeStatus.choices, default=LifeStatus.ACTIVE
    )
    life_status_date = models.DateField(_("tanggal perubahan status"), null=True, blank=True)
    life_status_source = models.CharField(_("sumber status"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["birth_date", "region"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(nik__isnull=False) | ~Q(no_nik_reason=""),
                name="person_without_nik_gives_reason",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        """Stores the NIK and phone normalised (``cases.nik``), the NIK's blind index and
        the name's search form with them."""
        self.search_name = normalize_name(self.full_name)
        self.nik = canonical_number(self.nik, field="Person.nik") if self.nik else None
        self.nik_index = blind_index(self.nik) if self.nik else None
        self.phone = normalize_phone(self.phone)
        if kwargs.get("update_fields") is not None:
            derived = {"search_name", "nik", "nik_index", "phone"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_deceased(self) -> bool:
        return self.life_status == LifeStatus.DECEASED


class CaseKind(models.TextChoices):
    SERVICE_REQUEST = "service_request", _("Permohonan layanan")
    COMPLAINT = "complaint", _("Pengaduan")
    QUESTION = "question", _("Pertanyaan")
    SUGGESTION = "suggestion", _("Saran")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Datang langsung")
    OUTREACH = "outreach", _("Penjangkauan")
    ONLINE = "online", _("Daring")
    PHONE = "phone", _("Telepon")


class Priority(models.TextChoices):
    LOW = "low", _("Rendah")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Tinggi")
    URGENT = "urgent", _("Darurat")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Diproses")
    CLOSED = "closed", _("Selesai")


class Stage(models.TextChoices):
    INTAKE = "intake", _("Pendaftaran")
    VERIFICATION = "verification", _("Verifikasi")
    ASSESSMENT = "assessment", _("Asesmen")
    REFERRAL = "referral", _("Rujukan")
    DELIVERY = "delivery", _("Penyaluran")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    CLOSURE = "closure", _("Penutupan")
    CLOSED = "closed", _("Ditutup")


class Outcome(models.TextChoices):
    SERVED = "served", _("Terlayani")
    PARTLY_SERVED = "partly_served", _("Terlayani sebagian")
    REJECTED = "rejected", _("Ditolak")
    REJECTED_AFTER_VERIFICATION = "rejected_after_verification", _("Ditolak setelah verifikasi")
    RESOLVED_LOCALLY = "resolved_locally", _("Diselesaikan di tingkat lokal")
    WITHDRAWN = "withdrawn", _("Dicabut pemohon")
    ANSWERED = "answered", _("Dijawab")


class ComplaintTier(models.TextChoices):
    MINOR = "minor", _("Ringan (2 hari kerja)")
    NORMATIVE = "normative", _("Normatif (5 hari kerja)")
    NON_OVERSIGHT = "non_oversight", _("Non-pengawasan (14 hari kerja)")
    INVESTIGATION = "investigation", _("Perlu investigasi (60 hari kerja)")


class Case(models.Model):
    """One citizen request, from intake to closure."""

    number = models.CharField(_("nomor kasus"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    ppks_category = models.ForeignKey(
        PpksCategory, verbose_name=_("kategori PPKS"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        Person,
        verbose_name=_("pemohon"),
        on_delete=models.PROTECT,
        related_name="cases_as_applicant",
    )
    beneficiary = models.ForeignKey(
        Person,
        verbose_name=_("penerima manfaat"),
        on_delete=models.PROTECT,
        related_name="cases_as_beneficiary",
    )
    description = limited_text(_("uraian kebutuhan"), DESCRIPTION)
    requested_services = models.ManyToManyField(
        Service, verbose_name=_("layanan yang dimohon"), blank=True, related_name="+"
    )
    # The beneficiary's village at intake: the case stays with this office if they move.
    region = models.ForeignKey(
        Region, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(
        _("prioritas"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    stage = models.CharField(_("tahap"), max_length=15, choices=Stage.choices, default=Stage.INTAKE)
    outcome = models.CharField(_("hasil"), max_length=30, choices=Outcome.choices, blank=True)
    complaint_tier = models.CharField(
        _("tingkat pengaduan"),
        max_length=15,
        choices=ComplaintTier.choices,
        default=ComplaintTier.NORMATIVE,
    )
    # What the registry check found at intake: DTKS/DTSEN status, decile, open cases, aid.
    registry_findings = models.JSONField(_("hasil cek registri"), default=dict, blank=True)
    verification_waiver_reason = limited_text(_("alasan kunjungan ditiadakan"), REASON, blank=True)
    forwarded_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("diteruskan ke instansi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("putaran"), default=1)
    process = models.OneToOneField(
        "viewflow.Process",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="case",
    )
    intake_warnings = models.JSONField(_("peringatan saat pendaftaran"), default=list, blank=True)
    deceased_override_reason = limited_text(
        _("alasan pengecualian (penerima meninggal dunia)"), REASON, blank=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuka oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("dibuka pada"), db_index=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[requested_services])

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-opened_at"]
        permissions = [("act_on_case", _("Dapat menindaklanjuti kasus yang dirujuk"))]
        indexes = [
            models.Index(fields=["region", "-opened_at"]),
            models.Index(fields=["status", "stage"]),
            models.Index(fields=["opened_by", "-opened_at"]),
            models.Index(
                fields=["region"], name="case_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseUserObjectPermission(UserObjectPermissionBase):
    """guardian's per-object permission on a case, by direct foreign key (fast joins)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("izin kasus per pengguna")
        verbose_name_plural = _("izin kasus per pengguna")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """An agency group's permission on a referred case (granted on send, narrowed on end)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("izin kasus per instansi")
        verbose_name_plural = _("izin kasus per instansi")


class CaseSequence(models.Model):
    """Per-regency, per-year counter behind case numbers (``1904-2026-000123``)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


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


class AccessAction(models.TextChoices):
    VIEW_CASE = "view_case", _("Melihat kasus")
    VIEW_PERSON = "view_person", _("Melihat data penduduk")
    REVEAL_NIK = "reveal_nik", _("Menampilkan NIK lengkap")
    DOWNLOAD = "download", _("Mengunduh lampiran")
    EXPORT = "export", _("Mengekspor data")
    PRINT_LETTER = "print_letter", _("Mencetak surat rujukan")


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


class MoveStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")


class MoveDecision(models.TextChoices):
    """What the back office of the person's area decides on a move request."""

    ACCEPT = "accept", _("Terima: pindahkan data ke wilayah baru")
    REJECT = "reject", _("Tolak")


class MoveRequest(models.Model):
    """Pindah domisili: the area a person now lives in asks the area they are registered in
    to hand their record over (``cases.moves``).

    Filed by an officer of the receiving area, decided by the back office (or supervisor) of
    the person's current area before ``due_at`` (working days). Until it is accepted the
    receiving side learns nothing of the person beyond "registered elsewhere"; on acceptance
    the person's domicile changes (with history) and scope follows it.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("penduduk"), on_delete=models.PROTECT, related_name="move_requests"
    )
    from_region = models.ForeignKey(
        Region,
        verbose_name=_("dari desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Domisili terdaftar saat permintaan diajukan."),
    )
    to_region = models.ForeignKey(
        Region, verbose_name=_("ke desa/kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    street = models.CharField(_("alamat jalan"), max_length=255, blank=True)
    reason = limited_text(_("alasan pindah"), REASON, max_length=REASON)
    status = models.CharField(
        _("status"), max_length=10, choices=MoveStatus.choices, default=MoveStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("diajukan"))
    due_at = models.DateTimeField(_("tenggat"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_reason = limited_text(_("alasan keputusan"), REASON, max_length=REASON, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("permintaan pindah domisili")
        verbose_name_plural = _("permintaan pindah domisili")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["from_region", "status"]),
            models.Index(fields=["to_region", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_move_per_person",
            )
        ]

    def __str__(self) -> str:
        return _("Pindah domisili #%(id)s") % {"id": self.pk}


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
