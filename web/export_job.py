"""The background export job (``start_job("export", pk)``, registered by ``WebConfig``):
it reads the rows again from the page's selector in the requester's scope of now, writes
the file in a temporary place while it reports progress, then keeps it privately."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencies.selectors import memberships_cached
from cases.exports import export_claim, export_fail, export_finish, export_progress
from cases.models import Export, ExportFormat
from core.spreadsheets import first_line, write_csv, write_xlsx
from core.types import Actor

from .export_sources import SOURCES, ExportRefused, ExportSource

logger = logging.getLogger(__name__)


def params_of(filters: dict[str, list[str]]) -> QueryDict:
    """The stored page parameters as the page read them (a QueryDict)."""
    data = QueryDict(mutable=True)
    for key, values in filters.items():
        data.setlist(key, [str(v) for v in values])
    return data


def export_line(user: Actor, source: ExportSource) -> str:
    return first_line(
        user_name=user.get_full_name() or user.get_username(),
        at=timezone.now(),
        filters=source.filters,
    )


def run_export(export_id: int) -> None:
    """Write export ``export_id``'s file (a queued export; any other is left alone)."""
    export = export_claim(export_id)
    if export is None:
        return
    try:
        with translation.override(export.language or settings.LANGUAGE_CODE):
            _write(export)
    except (PermissionDenied, Http404):
        export_fail(export, _("Anda tidak lagi berhak melihat data ini."))
    except ExportRefused as refused:  # a filter no longer valid (a region no longer theirs)
        export_fail(export, refused.message[:300])
    except Exception:  # recorded on the export; the requester may start it again
        logger.exception("export %s failed", export.pk)
        export_fail(export, _("Ekspor gagal karena galat sistem. Coba jalankan lagi."))


def _write(export: Export) -> None:
    user = export.requested_by
    done = [0]

    def progress(rows: int) -> None:
        done[0] = rows
        export_progress(export, rows)

    with memberships_cached(), tempfile.TemporaryDirectory(prefix="simpul-export-") as tmp:
        source = SOURCES[export.kind](user, params_of(export.filters))
        write = write_xlsx if export.format == ExportFormat.XLSX else write_csv
        path = Path(tmp) / f"export.{export.format}"
        with path.open("wb") as handle:
            write(handle, export_line(user, source), source.tables(), progress)
        export_finish(export, path, rows=done[0])
