"""Pairs of registry records that may be one person, found by the duplicate scan and decided
by the back office: not the same person, or merged (``cases.services.merge``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Region
from cases.limits import REASON
from cases.models.registry import Person


class DuplicateReason(models.TextChoices):
    """Why a pair was found (``cases.selectors.likely_duplicates`` gives the rules)."""

    SAME_BIRTH_DATE = "same_birth_date", _("Tanggal lahir dan desa sama, nama mirip")
    CLOSE_NAME = "close_name", _("Desa sama, nama sangat mirip, tanggal lahir atau NIK kosong")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Perlu diperiksa")
    NOT_SAME = "not_same", _("Bukan orang yang sama")
    MERGED = "merged", _("Sudah digabung")


class DuplicatePair(models.Model):
    """Two people of one village who may be the same person, ``person_a`` the older record
    (lower id). Found once per pair (unique); a pair marked "not the same" is not asked
    again. ``region`` is the village both live in, for the regency's worklist and counts."""

    person_a = models.ForeignKey(
        Person, verbose_name=_("data pertama"), on_delete=models.PROTECT, related_name="+"
    )
    person_b = models.ForeignKey(
        Person, verbose_name=_("data kedua"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("kemiripan nama"))
    reason = models.CharField(_("alasan"), max_length=20, choices=DuplicateReason.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_reason = models.CharField(_("alasan keputusan"), max_length=REASON, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kemungkinan data ganda")
        verbose_name_plural = _("kemungkinan data ganda")
        ordering = ["-score", "pk"]
        indexes = [
            models.Index(fields=["status", "region"]),
            # Open pairs by the prefix of their village's code (the data quality page).
            models.Index(
                fields=["region"],
                name="duplicate_pair_open_region",
                opclasses=["varchar_pattern_ops"],
                condition=Q(status="open"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a} / {self.person_b}"
