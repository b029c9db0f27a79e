"""Regions, agencies, offices, staff memberships, the service catalogue and the SLA calendar.

Everything here is master data that the case side reads: who works where, which agency owns
which service, where a referral should go, and which days count as working days.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/Kota")
    DISTRICT = "district", _("Kecamatan")
    VILLAGE = "village", _("Desa/Kelurahan")


LEVEL_BY_PARTS = {
    1: RegionLevel.PROVINCE,
    2: RegionLevel.REGENCY,
    3: RegionLevel.DISTRICT,
    4: RegionLevel.VILLAGE,
}


class Region(models.Model):
    """A Kemendagri administrative region, keyed by its dotted code (``19.04.01.2003``).

    The code is the key because it is what every other system exchanges; BPS codes differ.
    """

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    # Lower-cased name for indexed prefix search ("kob" finds Koba).
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "search_name"]),
            # PostgreSQL only uses an index for LIKE 'prefix%' with the pattern operator class.
            models.Index(
                fields=["search_name"], name="region_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs) -> None:
        self.search_name = self.name.lower()
        if not self.level:
            self.level = LEVEL_BY_PARTS[len(self.code.split("."))]
        super().save(*args, **kwargs)

    @property
    def regency_code(self) -> str | None:
        """The ``PP.KK`` part, or None for a province."""
        parts = self.code.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None

    def contains(self, code: str) -> bool:
        """True when ``code`` is this region or lies inside it."""
        return code == self.code or code.startswith(self.code + ".")

    @staticmethod
    def within_q(area_code: str, field: str = "region") -> Q:
        """Filter for rows whose ``field`` region lies in the region ``area_code``."""
        inside = {f"{field}__code__startswith": area_code + "."}
        return Q(**{f"{field}_id": area_code}) | Q(**inside)

    @staticmethod
    def within_any_q(area_codes: list[str], field: str = "region") -> Q:
        """``within_q`` for several areas at once; matches nothing for an empty list."""
        q = Q(pk__in=[])
        for code in area_codes:
            q |= Region.within_q(code, field)
        return q


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
# Who decides on a move request (pindah domisili) out of their area.
MOVE_DECIDER_ROLES = frozenset({Role.BACK_OFFICE, Role.SUPERVISOR})


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


class DocumentType(models.Model):
    """A kind of supporting paper: KTP, KK, SKTM, house photos, illness certificate, ..."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PpksCategory(models.Model):
    """One of the 26 PPKS categories (Permensos 8/2012). Sensitive ones are restricted by role."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    is_sensitive = models.BooleanField(
        _("data spesifik (sensitif)"),
        default=False,
        help_text=_("Kesehatan, anak berhadapan dengan hukum, NAPZA, kekerasan: akses dibatasi."),
    )
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kategori PPKS")
        verbose_name_plural = _("kategori PPKS")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A program or service a referral may target (PKH, PBI-JK, RS-RTLH, ...)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    description = models.TextField(_("keterangan"), blank=True)
    agency_kind = models.CharField(
        _("jenis instansi pemilik"),
        max_length=20,
        choices=AgencyKind.choices,
        help_text=_("Rujukan diarahkan ke instansi jenis ini di kabupaten/kota kasus."),
    )
    required_documents = models.ManyToManyField(
        DocumentType, verbose_name=_("dokumen persyaratan"), blank=True, related_name="services"
    )
    response_days = models.PositiveSmallIntegerField(_("tenggat respons (hari kerja)"), default=7)
    aid_type = models.SlugField(
        _("jenis bantuan"),
        max_length=40,
        blank=True,
        help_text=_(
            "Bantuan sejenis dari dua sumber dana untuk NIK yang sama dalam satu periode "
            "tidak diperbolehkan (mis. beras)."
        ),
    )
    aid_period = models.CharField(
        _("periode bantuan"),
        max_length=10,
        choices=[("month", _("Bulanan")), ("quarter", _("Triwulan")), ("year", _("Tahunan"))],
        default="month",
        help_text=_("Periode yang dipakai aturan bantuan ganda."),
    )
    shares_sensitive_category = models.BooleanField(
        _("instansi perlu melihat kategori PPKS sensitif"),
        default=False,
        help_text=_("Mis. layanan kesehatan untuk ODHA. Bila tidak, kategori dirahasiakan."),
    )
    approval_levels = models.PositiveSmallIntegerField(
        _("jenjang persetujuan"),
        default=1,
        help_text=_("1 = kepala instansi saja; 2 = pejabat lalu kepala instansi; dst."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords(m2m_fields=[required_documents])

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """Where to refer: for a service and/or a PPKS category within a region, this agency.

    The most specific rule wins (see ``agencies.selectors.suggest_agency``).
    """

    service = models.ForeignKey(
        Service, verbose_name=_("layanan"), null=True, blank=True, on_delete=models.CASCADE
    )
    ppks_category = models.ForeignKey(
        PpksCategory,
        verbose_name=_("kategori PPKS"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    region = models.ForeignKey(
        Region, verbose_name=_("wilayah"), on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi tujuan"), on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aturan rujukan")
        verbose_name_plural = _("aturan rujukan")
        ordering = ["region_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(ppks_category__isnull=False),
                name="routing_rule_names_a_service_or_category",
            )
        ]

    def __str__(self) -> str:
        target = " + ".join(str(x) for x in (self.service, self.ppks_category) if x)
        return f"{target} @ {self.region.name} → {self.agency}"


class DayOff(models.Model):
    """A locally declared day off (cuti bersama, regional holiday) that deadlines skip.

    National public holidays come from the ``holidays`` package; this table adds the rest.
    With no region it applies everywhere.
    """

    date = models.DateField(_("tanggal"), db_index=True)
    name = models.CharField(_("keterangan"), max_length=150)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Kosongkan bila berlaku nasional."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hari libur lokal")
        verbose_name_plural = _("hari libur lokal")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "region"], name="one_day_off_per_region_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class UserPreference(models.Model):
    """What a staff member chose for themselves: the interface language, kept on the
    account so it follows them from the office PC to their phone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="preference",
    )
    language = models.CharField(
        _("bahasa"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("preferensi pengguna")
        verbose_name_plural = _("preferensi pengguna")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
