"""Registry imports (issue 14): who may import, uploading a file, checking it (dry run),
committing it, and the run itself, which a background job calls
(``workflows.background.start_job``) or ``manage.py import_registry`` calls directly.

The back office and supervisors import (``agencies.models.REGISTRY_DECIDER_ROLES``), for their
area: the import keeps the area it was uploaded for, rows outside it are errors, and only
officers of that area see the import, its report and its file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import REGISTRY_DECIDER_ROLES, Region
from agencies.selectors import areas_of, covers
from cases.history import changed_by
from cases.models import ImportKind, ImportState, RegistryImport, display_name_of
from cases.registry_import.deaths import DeathImport
from cases.registry_import.extract import ExtractImport
from cases.registry_import.reading import TooManyRows, UnreadableFile, open_sheet
from cases.registry_import.report import ReportWriter
from cases.registry_import.rows import LABELS, Row, check_death_row, check_extract_row
from core.errors import Conflict, IntakeError, NotAllowed
from core.types import Actor, Viewer

logger = logging.getLogger(__name__)

Engine = ExtractImport | DeathImport
CHUNK_ROWS = 2000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DEATH_LIST_SOURCE = gettext_lazy("Dukcapil")
NOT_CHECKED = gettext_lazy("Impor hanya dapat dijalankan setelah pemeriksaan selesai.")


def import_areas(user: Viewer) -> list[str]:
    """The areas ``user`` imports registry files for (back office, supervisor)."""
    return sorted(areas_of(user, REGISTRY_DECIDER_ROLES))


def may_import(user: Viewer) -> bool:
    return bool(import_areas(user))


def imports_visible_to(user: Viewer) -> QuerySet[RegistryImport]:
    """The imports of the areas ``user`` imports for (an import of a village inside
    their regency too); nothing for anyone else."""
    areas = import_areas(user)
    if not areas:
        return RegistryImport.objects.none()
    return RegistryImport.objects.filter(Region.within_any_q(areas, field="area"))


def registry_import_create(
    *, actor: Actor, kind: str, file: File, filename: str, area_code: str = ""
) -> RegistryImport:
    """Keep an uploaded file (under a random name) for a dry run in ``area_code`` (by
    default the actor's first import area). Raises ``NotAllowed`` (403) for someone who
    does not import, ``IntakeError`` (400) for an unknown kind, an area not theirs or an
    empty or too large file."""
    areas = import_areas(actor)
    if not areas:
        raise NotAllowed(_("Hanya back office dan penyelia yang dapat mengimpor data registri."))
    area_code = area_code or areas[0]
    errors: dict[str, list[str]] = {}
    if kind not in ImportKind.values:
        errors["kind"] = [_("Jenis berkas tidak dikenal.")]
    if not covers(actor, area_code, REGISTRY_DECIDER_ROLES):
        errors["area"] = [_("Wilayah di luar wilayah kerja Anda.")]
    if not file.size:
        errors["file"] = [_("Berkas kosong.")]
    elif file.size > MAX_UPLOAD_BYTES:
        errors["file"] = [_("Berkas lebih dari 200 MB.")]
    if errors:
        raise IntakeError(field_errors=errors)
    registry_import = RegistryImport(
        kind=kind, area_id=area_code, display_name=display_name_of(filename), uploaded_by=actor
    )
    registry_import.file.save("upload", file, save=False)
    registry_import.save()
    return registry_import


def registry_import_commit(*, actor: Actor, import_id: int) -> RegistryImport:
    """Mark a checked import to be committed by ``actor`` (the run itself is
    :func:`run_registry_import`, in the background); a commit that failed half-way may be
    started again (what it wrote is then found unchanged). Raises
    ``RegistryImport.DoesNotExist`` for an import out of scope (as for none), ``Conflict``
    (409) when it is not ready (still checking or importing, done, or its check failed)."""
    with transaction.atomic():
        registry_import = imports_visible_to(actor).select_for_update().filter(pk=import_id).first()
        if registry_import is None:
            raise RegistryImport.DoesNotExist
        if not registry_import.may_commit:
            raise Conflict(str(NOT_CHECKED))
        registry_import.state = ImportState.IMPORTING
        registry_import.committed_by = actor
        registry_import.processed_rows = 0
        registry_import.save()
    return registry_import


def registry_import_restart(*, actor: Actor, import_id: int) -> RegistryImport:
    """Start again a run whose job was lost (``RegistryImport.is_stalled``: the web process
    or worker restarted mid-run), from its first row: a dry run recomputes, a commit finds
    what it wrote unchanged. The caller starts the job. Raises
    ``RegistryImport.DoesNotExist`` out of scope (as for none), ``Conflict`` (409) when the
    run is not stalled (still moving, or ended)."""
    with transaction.atomic():
        registry_import = imports_visible_to(actor).select_for_update().filter(pk=import_id).first()
        if registry_import is None:
            raise RegistryImport.DoesNotExist
        if not registry_import.is_stalled:
            raise Conflict(_("Impor ini tidak terhenti; tunggu sampai selesai."))
        registry_import.processed_rows = 0
        registry_import.progress_at = timezone.now()
        changed_by(registry_import, actor, reason=_("Dijalankan lagi setelah terhenti."))
        registry_import.save()
    return registry_import


@dataclass
class Counts:
    accepted: int = 0
    warnings: int = 0
    errors: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    unmatched: int = 0

    def add(self, row: Row) -> None:
        if row.has_errors:
            self.errors += 1
        elif row.has_warnings:
            self.warnings += 1
        else:
            self.accepted += 1
        if row.action:
            setattr(self, row.action, getattr(self, row.action) + 1)
        self.duplicates += bool(row.values.get("duplicate"))
        self.unmatched += bool(row.values.get("unmatched"))


def run_registry_import(import_id: int) -> RegistryImport:
    """Run an import in the state it waits in: the dry run of a new one (checking), the
    commit of one marked to import (importing). Rows are read, checked and (when
    committing) written chunk by chunk, the progress stored after each; the counts and the
    XLSX report are stored at the end. A file that cannot be read, or a run that breaks,
    leaves the import failed with the reason (never a NIK); a commit that broke half-way
    can be committed again: what was written is found unchanged."""
    registry_import = RegistryImport.objects.select_related("uploaded_by", "committed_by").get(
        pk=import_id
    )
    if registry_import.state not in (ImportState.CHECKING, ImportState.IMPORTING):
        return registry_import
    try:
        _run(registry_import)
    except UnreadableFile as error:
        _fail(registry_import, _unreadable(error))
    except TooManyRows:
        limit = settings.REGISTRY_IMPORT_MAX_ROWS
        message = _("Berkas lebih dari %(n)s baris; bagi per kecamatan.") % {"n": f"{limit:,}"}
        _fail(registry_import, message)
    except IntegrityError:  # e.g. a NIK registered at a desk between a chunk's plan and write
        logger.warning("registry import %s met a concurrent write", registry_import.pk)
        _fail(
            registry_import,
            _(
                "Data berubah bersamaan dengan impor (mis. NIK yang sama baru didaftarkan di "
                "loket); jalankan impor lagi, baris yang sudah tersimpan tidak ditulis dua kali."
            ),
        )
    except Exception:
        logger.exception("registry import %s failed", registry_import.pk)
        _fail(registry_import, _("Impor terhenti karena kesalahan sistem; coba jalankan lagi."))
    return registry_import


def _unreadable(error: UnreadableFile) -> str:
    if not error.missing:
        return _("Berkas tidak dapat dibaca: simpan sebagai CSV atau XLSX.")
    columns = ", ".join(LABELS.get(name, name) for name in error.missing)
    return _("Kolom wajib tidak ada: %(columns)s.") % {"columns": columns}


def _fail(registry_import: RegistryImport, reason: str) -> None:
    registry_import.state = ImportState.FAILED
    registry_import.failure = reason[:300]
    registry_import.finished_at = timezone.now()
    registry_import.save()


def _run(registry_import: RegistryImport) -> None:
    RegistryImport.objects.filter(pk=registry_import.pk).update(progress_at=timezone.now())
    commit = registry_import.state == ImportState.IMPORTING
    actor = registry_import.uploaded_by
    if commit and registry_import.committed_by is not None:
        actor = registry_import.committed_by
    engine_class: type[ExtractImport | DeathImport]
    engine_class = ExtractImport if registry_import.kind == ImportKind.EXTRACT else DeathImport
    engine = engine_class(registry_import, actor=actor, commit=commit)
    counts, report = Counts(), ReportWriter()
    try:
        processed = _read_rows(registry_import, engine, counts, report)
    except BaseException:
        report.close()
        raise
    for name, value in vars(counts).items():
        setattr(registry_import, name, value)
    registry_import.total_rows = registry_import.processed_rows = processed
    registry_import.committed = commit
    registry_import.state = ImportState.DONE if commit else ImportState.CHECKED
    if commit:
        registry_import.finished_at = timezone.now()
    else:
        registry_import.checked_at = timezone.now()
    report.save(registry_import)
    registry_import.save()


def _read_rows(
    registry_import: RegistryImport, engine: Engine, counts: Counts, report: ReportWriter
) -> int:
    """Read, check (and write) the file's rows chunk by chunk; how many were read."""
    with registry_import.file.open("rb") as stream:
        sheet = open_sheet(stream.file, registry_import.kind)
        RegistryImport.objects.filter(pk=registry_import.pk).update(
            total_rows=sheet.total, processed_rows=0
        )
        registry_import.total_rows = sheet.total
        chunk: list[Row] = []
        processed = 0
        for number, cells in sheet.records():
            chunk.append(_check_row(registry_import.kind, number, cells))
            if len(chunk) == CHUNK_ROWS:
                processed = _finish_chunk(registry_import, engine, chunk, counts, report, processed)
                chunk = []
        return _finish_chunk(registry_import, engine, chunk, counts, report, processed)


def _check_row(kind: str, number: int, cells: dict) -> Row:
    if kind == ImportKind.EXTRACT:
        return check_extract_row(number, cells)
    return check_death_row(number, cells, default_source=str(DEATH_LIST_SOURCE))


def _finish_chunk(
    registry_import: RegistryImport,
    engine: Engine,
    chunk: list[Row],
    counts: Counts,
    report: ReportWriter,
    processed: int,
) -> int:
    if not chunk:
        return processed
    engine.run_chunk(chunk)
    for row in chunk:
        counts.add(row)
        report.add(row)
    processed += len(chunk)
    RegistryImport.objects.filter(pk=registry_import.pk).update(
        processed_rows=processed, progress_at=timezone.now()
    )
    return processed
