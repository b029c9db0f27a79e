"""An export that runs in the background (issue 15): a list too long to stream at once is
written to a file by a job, shown with a progress bar, downloaded by its requester only
and deleted a day later.

The file is kept privately under a random name (``exports/<hex>``, never served as media);
what was exported is recorded by its kind and filters, which the job applies again in the
requester's own scope when it runs.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A chunk of rows takes seconds; an export not moved for this long lost its job.
EXPORT_STALLED_AFTER = dt.timedelta(minutes=15)


def export_file_path(instance, filename: str) -> str:
    """``exports/<random hex>``: nothing about the rows in the name."""
    return f"exports/{uuid.uuid4().hex}"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Menunggu giliran")
    RUNNING = "running", _("Sedang dibuat")
    DONE = "done", _("Siap diunduh")
    FAILED = "failed", _("Gagal")
    EXPIRED = "expired", _("Kedaluwarsa")


EXPORT_RUNNING_STATES = (ExportState.QUEUED, ExportState.RUNNING)


class Export(models.Model):
    """One background export: who asked, what (``kind``: which list, ``filters``: the
    page's parameters), its progress, and its file until ``expires_at``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("data"), max_length=30)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    # The requester's language: the job writes the headers in it.
    language = models.CharField(_("bahasa"), max_length=10, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("baris selesai"), default=0)
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    file = models.FileField(upload_to=export_file_path, max_length=100, blank=True)
    failure = models.CharField(_("sebab gagal"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    progress_at = models.DateTimeField(_("terakhir bergerak"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in EXPORT_RUNNING_STATES

    @property
    def is_stalled(self) -> bool:
        """Queued or running, but not moved for ``EXPORT_STALLED_AFTER``: its job was lost."""
        last = self.progress_at or self.created_at
        return self.is_running and last is not None and timezone.now() - last > EXPORT_STALLED_AFTER

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return min(100, 100 * self.rows_done // self.rows_total) if self.rows_total else 0

    @property
    def is_expired(self) -> bool:
        """Past its keeping time, whether or not the purge has deleted the file yet."""
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def may_download(self) -> bool:
        return self.state == ExportState.DONE and bool(self.file) and not self.is_expired
