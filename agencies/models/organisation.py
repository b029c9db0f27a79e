"""Agencies (OPD and partners), offices (SLRT, Puskesos), roles and staff memberships."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models.regions import Region, RegionLevel


class AgencyKind(models.TextChoices):
    SOCIAL = "dinsos", _("Dinas Sosial")
    HEALTH = "dinkes", _("Dinas Kesehatan")
    EDUCATION = "dindik", _("Dinas Pendidikan")
    FOOD = "pangan", _("Dinas Pangan")
    FISHERIES = "perikanan", _("Dinas Perikanan")
    AGRICULTURE = "pertanian", _("Dinas Pertanian")
    HOUSING = "perumahan", _("Dinas Perumahan")
    CIVIL_REGISTRY = "dukcapil", _("Dukcapil")
    ZAKAT = "baznas", _("BAZNAS")
    HOSPITAL = "rs", _("Rumah Sakit / Puskesmas")
    BPJS = "bpjs", _("BPJS Kesehatan")
    VILLAGE = "desa", _("Pemerintah Desa")
    OTHER = "lain", _("Lainnya")


class Agency(models.Model):
    """A receiving agency (OPD) of one regency: Dinas Kesehatan Bangka Tengah, BAZNAS, ..."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgencyKind.choices)
    regency = models.ForeignKey(
        Region,
        verbose_name=_("kabupaten/kota"),
        on_delete=models.PROTECT,
        related_name="agencies",
        limit_choices_to={"level": RegionLevel.REGENCY},
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    # The group that object permissions are granted to when a case is referred here.
    group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["regency_id", "name"]
        indexes = [models.Index(fields=["regency", "kind"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"agency:{self.code}")
        super().save(*args, **kwargs)


LOGO_MAX_BYTES = 512 * 1024

# NIP (Nomor Induk Pegawai) of a civil servant: 18 digits (birth date, appointment month,
# sex, sequence; BKN Regulation 22/2007 on NIP).
validate_nip = RegexValidator(r"^\d{18}$", _("NIP terdiri atas 18 digit angka."))


def validate_logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Logo paling besar %(kb)d KB.") % {"kb": LOGO_MAX_BYTES // 1024}, code="too_big"
        )


def office_logo_path(office: Office, filename: str) -> str:
    """A generated name (never the uploaded one), kept with its image type."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"office-logos/{uuid.uuid4().hex}.{extension}"


class OfficeKind(models.TextChoices):
    SLRT = "slrt", _("SLRT (kabupaten/kota)")
    PUSKESOS = "puskesos", _("Puskesos (desa/kelurahan)")


class Office(models.Model):
    """A front office that opens and handles cases: SLRT per regency, Puskesos per village."""

    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=10, choices=OfficeKind.choices)
    area = models.ForeignKey(
        Region, verbose_name=_("wilayah layanan"), on_delete=models.PROTECT, related_name="offices"
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    # SLRT practice (Kemensos SLRT guidelines): the manager, or a village's Puskesos
    # coordinator, decides the services (penetapan layanan) after the back office's
    # recommendation and before any referral goes out. An office may leave it out.
    service_decision_step = models.BooleanField(
        _("penetapan layanan oleh manajer"),
        default=True,
        help_text=_(
            "Rekomendasi layanan dari back office ditetapkan manajer / koordinator Puskesos "
            "sebelum rujukan dikirim. Matikan agar asesmen langsung mengirim rujukan."
        ),
    )
    # The letterhead and signature of the office's referral letters (tata naskah dinas).
    logo = models.ImageField(
        _("logo kop surat"),
        upload_to=office_logo_path,
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_logo_size],
        help_text=_("PNG atau JPG, paling besar 512 KB; dicetak di kiri kop surat rujukan."),
    )
    signatory_name = models.CharField(_("nama pejabat penanda tangan"), max_length=120, blank=True)
    signatory_position = models.CharField(
        _("jabatan penanda tangan"),
        max_length=150,
        blank=True,
        help_text=_("Mis. Kepala Dinas Sosial Kabupaten Bangka Tengah."),
    )
    signatory_nip = models.CharField(
        _("NIP penanda tangan"), max_length=18, blank=True, validators=[validate_nip]
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kantor layanan")
        verbose_name_plural = _("kantor layanan")
        ordering = ["area_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "area"], name="one_office_per_kind_and_area")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A signature needs the official's name and position together."""
        if bool(self.signatory_name.strip()) != bool(self.signatory_position.strip()):
            missing = "signatory_position" if self.signatory_name.strip() else "signatory_name"
            raise ValidationError({missing: _("Isi nama dan jabatan penanda tangan bersama-sama.")})


class Role(models.TextChoices):
    INTAKE = "intake", _("Petugas pendaftaran")
    SOCIAL_WORKER = "social_worker", _("Pekerja sosial / pendamping")
    BACK_OFFICE = "back_office", _("Back office")
    SUPERVISOR = "supervisor", _("Penyelia / manajer")
    AGENCY_STAFF = "agency_staff", _("Staf instansi")
    AGENCY_APPROVER = "agency_approver", _("Pejabat penyetuju instansi")
    ADMINISTRATOR = "administrator", _("Administrator")


# Role sets, decided once (every scope, queue and form reads them from here).
AGENCY_ROLES = frozenset({Role.AGENCY_STAFF, Role.AGENCY_APPROVER})
# The case team of an area: they see every case of the area whole (findings, notes, files).
AREA_ROLES = frozenset({Role.BACK_OFFICE, Role.SUPERVISOR, Role.SOCIAL_WORKER})
CASE_TEAM_ROLES = AREA_ROLES | {Role.INTAKE}
# Who registers people and opens cases (and asks for a person to be moved in).
INTAKE_ROLES = frozenset({Role.INTAKE, Role.BACK_OFFICE, Role.SUPERVISOR})
# Who keeps an area's registry whole: decides move requests (pindah domisili) out of their
# area, duplicate records (not the same, or merged) and registry imports, and watches the
# area's data quality. Social workers visit the cases given to them and intake officers
# register people: neither answers for the whole area's data; agency staff see people only
# through their referrals.
REGISTRY_DECIDER_ROLES = frozenset({Role.BACK_OFFICE, Role.SUPERVISOR})
MOVE_DECIDER_ROLES = REGISTRY_DECIDER_ROLES


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        """The one definition of an active member: the membership, its user, and its agency
        or office are all active. A deactivated agency's staff keep their accounts but see,
        list, claim and complete nothing of it."""
        return self.filter(
            Q(agency__isnull=True) | Q(agency__is_active=True),
            Q(office__isnull=True) | Q(office__is_active=True),
            is_active=True,
            user__is_active=True,
        )


class Membership(models.Model):
    """A user's role in one agency or office, over one area. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("instansi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("kantor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    area = models.ForeignKey(
        Region,
        verbose_name=_("wilayah kerja"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Desa, kecamatan atau kabupaten/kota yang menjadi tanggung jawabnya."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("keanggotaan staf")
        verbose_name_plural = _("keanggotaan staf")
        ordering = ["user_id", "role"]
        indexes = [models.Index(fields=["role", "area"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False, office__isnull=True))
                | (Q(agency__isnull=True, office__isnull=False))
                | Q(role="administrator", agency__isnull=True, office__isnull=True),
                name="membership_in_exactly_one_agency_or_office",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["agency_staff", "agency_approver"])
                | Q(agency__isnull=False),
                name="agency_roles_need_an_agency",
            ),
        ]

    def __str__(self) -> str:
        where = self.agency or self.office or self.area
        return f"{self.user} · {self.get_role_display()} · {where}"
