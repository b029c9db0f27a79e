"""Catalogues: document types, PPKS categories, services, routing rules, days off, and
each user's preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models.organisation import Agency, AgencyKind
from agencies.models.regions import Region


def localized_name(name: str, name_en: str) -> str:
    """A catalogue entry's name for the active language: the English name in English when
    there is one, else the Indonesian name (official documents always use ``name``)."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class DeliveryChannel(models.TextChoices):
    """How aid reaches the beneficiary (a delivery's channel, a service's usual one)."""

    BANK_TRANSFER = "bank_transfer", _("Transfer bank")
    IN_KIND = "in_kind", _("Barang")
    SERVICE = "service", _("Layanan")
    CASH = "cash", _("Tunai")


class DocumentType(models.Model):
    """A kind of supporting paper: KTP, KK, SKTM, house photos, illness certificate, ..."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(
        _("nama (bahasa Inggris)"),
        max_length=150,
        blank=True,
        help_text=_("Ditampilkan bila antarmuka berbahasa Inggris; kosong: nama Indonesia."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jenis dokumen")
        verbose_name_plural = _("jenis dokumen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (``name_en`` in English when set)."""
        return localized_name(self.name, self.name_en)


class PpksCategory(models.Model):
    """One of the 26 PPKS categories (Permensos 8/2012). Sensitive ones are restricted by role."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(
        _("nama (bahasa Inggris)"),
        max_length=150,
        blank=True,
        help_text=_("Ditampilkan bila antarmuka berbahasa Inggris; kosong: nama Indonesia."),
    )
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
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (``name_en`` in English when set)."""
        return localized_name(self.name, self.name_en)


class Service(models.Model):
    """A program or service a referral may target (PKH, PBI-JK, RS-RTLH, ...)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    name_en = models.CharField(
        _("nama (bahasa Inggris)"),
        max_length=150,
        blank=True,
        help_text=_("Ditampilkan bila antarmuka berbahasa Inggris; kosong: nama Indonesia."),
    )
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
    delivery_channel = models.CharField(
        _("cara penyaluran biasa"),
        max_length=15,
        choices=DeliveryChannel.choices,
        blank=True,
        help_text=_("Dipilihkan lebih dulu di form penyaluran; petugas tetap dapat mengubahnya."),
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
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (``name_en`` in English when set)."""
        return localized_name(self.name, self.name_en)


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
