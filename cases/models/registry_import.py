"""A registry file imported by the back office (issue 14): a DTKS/DTSEN extract or a civil
registry death list, checked first (dry run) and then committed, with its report.

The uploaded file is kept privately under a random name (``imports/<hex>``): the name it had
on the uploader's computer is only display text (``display_name``, any NIK in it masked),
since a file name may hold a NIK or a person's name.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Region
from cases.models.registry import Person
from cases.nik import mask_nik

DISPLAY_NAME_LENGTH = 120
_LONG_NUMBER = re.compile(r"[0-9]{8,}")


# A chunk takes seconds; a run that has not moved for this long is not running any more.
STALLED_AFTER = dt.timedelta(minutes=15)


def import_file_path(instance, filename: str) -> str:
    """``imports/<random hex>``: never the uploader's file name."""
    return f"imports/{uuid.uuid4().hex}"


def display_name_of(filename: str) -> str:
    """The uploaded file's name as shown on the page and in history: only its last path
    part, with every run of 8 or more digits masked (a NIK or KK number in a file name)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() or "berkas"
    name = _LONG_NUMBER.sub(lambda match: mask_nik(match.group()), name)
    return name[:DISPLAY_NAME_LENGTH]


class ImportKind(models.TextChoices):
    EXTRACT = "extract", _("Ekstrak DTKS/DTSEN")
    DEATHS = "deaths", _("Daftar kematian (Dukcapil)")


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Sedang diperiksa")
    CHECKED = "checked", _("Sudah diperiksa")
    IMPORTING = "importing", _("Sedang diimpor")
    DONE = "done", _("Selesai diimpor")
    FAILED = "failed", _("Gagal")


RUNNING_STATES = (ImportState.CHECKING, ImportState.IMPORTING)


class RegistryImport(models.Model):
    """One uploaded file and what its dry run (``state`` checked) and its commit (done)
    found and did. ``area`` is the importer's area: rows of villages outside it are errors.
    The counts are of the last run (the commit's once committed)."""

    kind = models.CharField(_("jenis"), max_length=10, choices=ImportKind.choices)
    state = models.CharField(
        _("status"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING
    )
    committed = models.BooleanField(_("sudah diimpor"), default=False)
    area = models.ForeignKey(
        Region, verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    display_name = models.CharField(_("nama berkas"), max_length=DISPLAY_NAME_LENGTH)
    file = models.FileField(upload_to=import_file_path, max_length=100)
    report = models.FileField(upload_to=import_file_path, max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diimpor oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    accepted = models.PositiveIntegerField(_("diterima"), default=0)
    warnings = models.PositiveIntegerField(_("dengan peringatan"), default=0)
    errors = models.PositiveIntegerField(_("galat"), default=0)
    created = models.PositiveIntegerField(_("data baru"), default=0)
    updated = models.PositiveIntegerField(_("diperbarui"), default=0)
    unchanged = models.PositiveIntegerField(_("tidak berubah"), default=0)
    duplicates = models.PositiveIntegerField(_("kemungkinan data ganda"), default=0)
    unmatched = models.PositiveIntegerField(_("NIK tidak ditemukan"), default=0)
    failure = models.CharField(_("sebab gagal"), max_length=300, blank=True)
    # Death lists: the people this import marked deceased (their cases are then flagged).
    people_marked = models.ManyToManyField(Person, blank=True, related_name="+")
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # When the run last moved (started, or finished a chunk): a run that has not moved for
    # STALLED_AFTER was lost (the process restarted) and may be started again.
    progress_at = models.DateTimeField(_("terakhir bergerak"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["processed_rows"])

    class Meta:
        verbose_name = _("impor data registri")
        verbose_name_plural = _("impor data registri")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["area", "-created_at"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES

    @property
    def is_stalled(self) -> bool:
        """Running, but not moved for ``STALLED_AFTER``: its job was lost."""
        last = self.progress_at or self.created_at
        return self.is_running and last is not None and timezone.now() - last > STALLED_AFTER

    @property
    def may_commit(self) -> bool:
        """Checked, or a commit that failed half-way (run again, it finds what it wrote)."""
        failed_commit = self.state == ImportState.FAILED and self.committed_by_id is not None
        return self.state == ImportState.CHECKED or failed_commit

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.is_running else 100
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def source_label(self) -> str:
        """What families and people imported from it name as their source."""
        return f"impor file {self.display_name}"
