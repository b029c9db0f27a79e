"""The citizen registry: people (NIK) and family cards (KK), with their registry status."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Region
from cases.crypto import EncryptedCharField, blind_index
from cases.limits import validate_birth_date
from cases.names import clean_name, name_key
from cases.nik import (
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


SEARCH_NAME_LENGTH = 150


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class LifeStatus(models.TextChoices):
    ACTIVE = "active", _("Aktif")
    DECEASED = "deceased", _("Meninggal dunia")
    MOVED = "moved", _("Pindah domisili")
    NOT_FOUND = "not_found", _("Tidak ditemukan")
    GRADUATED = "graduated", _("Sudah mampu (graduasi)")
    # A duplicate record folded into another (``Person.merged_into``): a tombstone.
    MERGED = "merged", _("Digabung ke data lain")


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
        self.fill_derived_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "kk_number", "kk_index"}
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """The KK number normalised and its blind index: what ``save`` stores, also for
        rows written in bulk (``bulk_create`` skips ``save``)."""
        self.kk_number = canonical_number(self.kk_number, field="Family.kk_number")
        self.kk_index = blind_index(self.kk_number)

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
    search_name = models.CharField(max_length=SEARCH_NAME_LENGTH, db_index=True, editable=False)
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
    # Set when this record was a duplicate merged into another (``cases.services.merge``):
    # the record stays as a tombstone pointing to the one kept, its history readable.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
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
        indexes = [
            models.Index(fields=["birth_date", "region"]),
            # The few no longer active (the validation worklist looks for them).
            models.Index(
                fields=["life_status"],
                condition=~Q(life_status="active"),
                name="person_not_active",
            ),
            # An area's people by the prefix of their village's code (the data quality
            # page); PostgreSQL uses an index for LIKE 'prefix%' only with this class.
            models.Index(
                fields=["region"], name="person_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The few without a NIK, by area (the data quality page's first number).
            models.Index(
                fields=["region"],
                name="person_without_nik",
                opclasses=["varchar_pattern_ops"],
                condition=Q(nik_index__isnull=True, merged_into__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nik__isnull=False) | ~Q(no_nik_reason=""),
                name="person_without_nik_gives_reason",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(life_status="merged"),
                name="person_merged_is_tombstone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        if kwargs.get("update_fields") is not None:
            derived = {"full_name", "search_name", "nik", "nik_index", "phone"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        """Stores the name without invisible characters (``cases.names.clean_name``), the
        NIK and phone normalised (``cases.nik``), the NIK's blind index and the name's
        folded form (``cases.names.name_key``: what search and duplicate checks compare).
        Called by ``save`` and before rows are written in bulk (``bulk_create`` skips
        ``save``)."""
        self.full_name = clean_name(self.full_name)
        # Folding writes short forms out ("M." -> "muhamad"): kept to the column's length.
        self.search_name = name_key(self.full_name)[:SEARCH_NAME_LENGTH]
        self.nik = canonical_number(self.nik, field="Person.nik") if self.nik else None
        self.nik_index = blind_index(self.nik) if self.nik else None
        self.phone = normalize_phone(self.phone)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def is_deceased(self) -> bool:
        return self.life_status == LifeStatus.DECEASED
