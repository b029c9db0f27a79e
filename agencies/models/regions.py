"""Regions: Kemendagri codes from province to village, and what lies inside an area."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


def region_and_ancestors(code: str) -> list[str]:
    """The code and every code above it, top first (``19.04.01`` -> ``19``, ``19.04``,
    ``19.04.01``): the areas whose memberships, rules or holidays reach a region."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def code_within(code: str, area_code: str) -> bool:
    """True when the region ``code`` is the area ``area_code`` or lies inside it (Kemendagri
    codes nest: ``19.04.01.2003`` lies in ``19.04``)."""
    return code == area_code or code.startswith(area_code + ".")


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
        return code_within(code, self.code)

    @staticmethod
    def within_q(area_code: str, field: str = "region") -> Q:
        """Filter for rows whose ``field`` region lies in the region ``area_code``."""
        inside = {f"{field}__code__startswith": area_code + "."}
        return Q(**{f"{field}_id": area_code}) | Q(**inside)

    @staticmethod
    def regions_within_any_q(area_codes: list[str]) -> Q:
        """Filter on regions themselves: those that are, or lie inside, one of the areas."""
        q = Q(pk__in=[])
        for code in area_codes:
            q |= Q(code=code) | Q(code__startswith=code + ".")
        return q

    @staticmethod
    def within_any_q(area_codes: list[str], field: str = "region") -> Q:
        """``within_q`` for several areas at once; matches nothing for an empty list."""
        q = Q(pk__in=[])
        for code in area_codes:
            q |= Region.within_q(code, field)
        return q
