"""Background exports' records (``cases.models.Export``): created when a list is too long
to stream, moved along by the job that writes the file, read only by their requester, and
expired a day after (file deleted). The rows themselves come from the page that asked
(``web.export_sources``): this module only keeps the record honest.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotAllowed
from core.types import Actor, Viewer

from .models import EXPORT_RUNNING_STATES, Export, ExportState

logger = logging.getLogger(__name__)


def export_lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.EXPORT_KEEP_HOURS)


def exports_of(user: Viewer) -> QuerySet[Export]:
    """The user's own exports, newest first: nobody else's, whatever their role."""
    if not user.is_authenticated:
        return Export.objects.none()
    return Export.objects.filter(requested_by=user.pk)


def export_create(
    *,
    actor: Actor,
    kind: str,
    format: str,
    filters: dict[str, list[str]],
    total: int,
    language: str = "",
) -> Export:
    """Record a background export of ``kind`` with the page's ``filters``; the caller
    starts the job (``workflows.background.start_job("export", pk)``)."""
    return Export.objects.create(
        requested_by=actor,
        kind=kind,
        format=format,
        filters=filters,
        rows_total=total,
        language=language,
        progress_at=timezone.now(),
    )


def export_claim(export_id: int) -> Export | None:
    """The job's start: mark the export running, under its lock. None when it is not
    queued any more (another run took it, or it expired)."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.state != ExportState.QUEUED:
            return None
        export.state = ExportState.RUNNING
        export.rows_done = 0
        export.progress_at = timezone.now()
        export.save(update_fields=["state", "rows_done", "progress_at"])
    return export


def export_progress(export: Export, done: int) -> None:
    """Rows written so far, for the progress bar (one UPDATE, no history)."""
    Export.objects.filter(pk=export.pk).update(rows_done=done, progress_at=timezone.now())


def export_finish(export: Export, path: Path, *, rows: int) -> None:
    """Keep the written file privately and start its day of life."""
    now = timezone.now()
    with path.open("rb") as handle:
        export.file.save(f"{export.pk}.{export.format}", File(handle), save=False)
    export.state = ExportState.DONE
    export.rows_done = export.rows_total = rows
    export.finished_at = export.progress_at = now
    export.expires_at = now + export_lifetime()
    export.save()


def export_fail(export: Export, reason: str) -> None:
    Export.objects.filter(pk=export.pk).update(
        state=ExportState.FAILED,
        failure=reason[:300],
        finished_at=timezone.now(),
        expires_at=timezone.now() + export_lifetime(),
    )


def export_restart(*, actor: Viewer, export_id: int) -> Export:
    """Queue again an export whose job was lost (stalled) or failed; the requester only
    (anyone else: ``Export.DoesNotExist``, as for an export that does not exist)."""
    with transaction.atomic():
        export = exports_of(actor).select_for_update().get(pk=export_id)
        if not (export.is_stalled or export.state == ExportState.FAILED):
            raise NotAllowed(_("Ekspor ini masih berjalan atau sudah selesai."))
        export.state = ExportState.QUEUED
        export.rows_done = 0
        export.failure = ""
        export.progress_at = timezone.now()
        export.save(update_fields=["state", "rows_done", "failure", "progress_at"])
    return export


def exports_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their day (and of runs abandoned for a day) and
    mark them expired; returns how many. Run by the periodic job."""
    now = now or timezone.now()
    abandoned = Q(state__in=EXPORT_RUNNING_STATES, created_at__lte=now - export_lifetime())
    stale = Export.objects.exclude(state=ExportState.EXPIRED).filter(
        Q(expires_at__lte=now) | abandoned
    )
    purged = 0
    for export in stale:
        if export.file:
            try:
                export.file.delete(save=False)
            except OSError:  # already gone: the record still expires
                logger.warning("export %s: file already gone", export.pk)
        export.file = ""
        export.state = ExportState.EXPIRED
        export.save(update_fields=["file", "state"])
        purged += 1
    return purged
