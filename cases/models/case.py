"""The Case: one citizen request, its kind, stage, status and outcome, and its number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from agencies.models import PpksCategory, Region, Service
from cases.limits import DESCRIPTION, REASON, SUBJECT, limited_text
from cases.models.registry import Person


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
    SERVICE_DECISION = "decision", _("Penetapan layanan")
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


# What a complaint's, question's or suggestion's stages are called (SP4N-LAPOR! practice):
# handled, answered, closed. A service request's stages keep their own names.
COMPLAINT_STAGE_LABELS = {
    Stage.ASSESSMENT: _("Penanganan"),
    Stage.FOLLOW_UP: _("Jawaban"),
}


def stage_label(kind: str, stage: str) -> str:
    """The stage's name for this kind of case."""
    if kind != CaseKind.SERVICE_REQUEST and stage in COMPLAINT_STAGE_LABELS:
        return str(COMPLAINT_STAGE_LABELS[stage])
    return str(Stage(stage).label)


class Case(models.Model):
    """One citizen request, from intake to closure."""

    number = models.CharField(_("nomor kasus"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=20, choices=CaseKind.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    # Required for a service request; a complaint, question or suggestion may have none.
    ppks_category = models.ForeignKey(
        PpksCategory,
        verbose_name=_("kategori PPKS"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
    # A complaint's, question's or suggestion's one-line subject (perihal).
    subject = models.CharField(_("perihal"), max_length=SUBJECT, blank=True)
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
    # Last change of the case row (the case list's "updated" sort). ``save`` keeps it current
    # for partial saves too; there are no ``.update()`` writes on cases.
    updated_at = models.DateTimeField(_("terakhir diubah"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[requested_services], excluded_fields=["updated_at"])

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
            # The case list's sorts (``web.case_filters``), newest change / opening first.
            models.Index(fields=["-updated_at", "-id"], name="case_updated"),
            models.Index(fields=["stage", "-updated_at"], name="case_stage_updated"),
            models.Index(fields=["stage", "-opened_at"], name="case_stage_opened"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        # A partial save (``update_fields``) is a change too: ``auto_now`` only fills the
        # fields being written.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    def get_stage_display(self) -> str:
        """The stage's name for this kind of case (``stage_label``)."""
        return stage_label(self.kind, self.stage)


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
