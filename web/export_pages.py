"""Exports on the web (issue 15): the "Unduh Excel" / "Unduh CSV" buttons of the case list,
the inbox, the agency queue, the dashboard and the access log post the page's parameters
here. Up to ``EXPORT_STREAM_MAX_ROWS`` rows come back at once; a longer export runs in the
background, with a progress page, and its file is downloaded from "Ekspor saya" by its
requester only (anyone else: 404), for a day.

Every export streamed, started or downloaded writes an access-log row (action EXPORT, the
route naming which export, the purpose its row count); file names and URLs carry no NIK.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import log_access
from cases.exports import export_create, export_restart, exports_of
from cases.models import AccessAction, Export, ExportFormat
from core.errors import DomainError
from core.pages import page_of
from core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Table, csv_chunks, xlsx_bytes
from workflows.background import start_job

from .export_job import export_line
from .export_sources import FILE_NAMES, KIND_LABELS, SOURCES, ExportRefused, ExportSource

# Form fields that are not the page's filters.
_NOT_FILTERS = {"csrfmiddlewaretoken", "format", "form_token", "page"}


def filters_of(data: QueryDict) -> dict[str, list[str]]:
    """The page's parameters to store with a background export (bounded in size)."""
    return {
        key[:40]: [value[:200] for value in data.getlist(key)][:20]
        for key in list(data)[:40]
        if key not in _NOT_FILTERS
    }


def _rows_purpose(count: int, filters: Sequence[tuple[str, str]] = ()) -> str:
    """The access-log row's purpose: how many rows and with which filters (as the file's
    first line names them; a NIK or KK in a search is already masked there), cut to the
    column's 200 characters."""
    shown = ", ".join(f"{label}: {value}" for label, value in filters)
    return (f"{count} baris; {shown}" if shown else f"{count} baris")[:200]


def _parameters(filters: dict[str, list[str]]) -> list[tuple[str, str]]:
    """A stored export's page parameters as the access log names them (``stage=...``)."""
    return [(key, " ".join(values)) for key, values in filters.items() if any(values)]


@login_required
@require_POST
def export_start(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Export the page ``kind`` with its parameters (the POST): at once when short, else
    in the background (then the export's progress page)."""
    build = SOURCES.get(kind)
    format = request.POST.get("format", "")
    if build is None:
        raise Http404
    if format not in ExportFormat.values:
        return HttpResponseBadRequest(_("Format ekspor tidak dikenal."))
    try:
        source = build(request.user, request.POST)
    except ExportRefused as refused:
        return HttpResponseBadRequest(str(refused))
    total = source.count()
    if total <= settings.EXPORT_STREAM_MAX_ROWS or not source.may_run_in_background:
        return _streamed(request, kind, source, format)
    export = export_create(
        actor=request.user,
        kind=kind,
        format=format,
        filters=filters_of(request.POST),
        total=total,
        language=translation.get_language() or "",
    )
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        route=f"export_{kind}_start",
        purpose=_rows_purpose(total, source.filters),
    )
    start_job("export", export.pk)
    messages.success(request, _("Ekspor berjalan; berkasnya siap di halaman ini."))
    return redirect("export_detail", pk=export.pk)


def _streamed(
    request: HttpRequest, kind: str, source: ExportSource, format: str
) -> HttpResponse | StreamingHttpResponse:
    """The file at once: the rows are read here (the request's scope), then written."""
    read = [(t, list(t.rows)) for t in source.tables()]
    tables = [Table(t.title, t.headers, rows) for t, rows in read]
    count = sum(len(rows) for _t, rows in read)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        route=f"export_{kind}",
        purpose=_rows_purpose(count, source.filters),
    )
    line = export_line(request.user, source)
    response: HttpResponse | StreamingHttpResponse
    if format == ExportFormat.CSV:
        response = StreamingHttpResponse(csv_chunks(line, tables), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(xlsx_bytes(line, tables), content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    _as_download(response, f"{source.name}-{stamp}.{format}")
    return response


Download = HttpResponse | StreamingHttpResponse | FileResponse


def _as_download(response: Download, filename: str) -> Download:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _own_or_404(request: HttpRequest, pk: int) -> Export:
    export = exports_of(request.user).filter(pk=pk).first()
    if export is None:
        raise Http404
    return export


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    """Ekspor saya: the user's background exports, newest first."""
    page = page_of(request, exports_of(request.user))
    return render(request, "web/export_list.html", {"page": page, "labels": KIND_LABELS})


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _own_or_404(request, pk)
    context = {"export": export, "label": KIND_LABELS.get(export.kind, export.kind)}
    return render(request, "web/export_detail.html", context)


@login_required
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled while the export runs; the page reloads when it ends."""
    export = _own_or_404(request, pk)
    response = render(request, "web/_export_progress.html", {"export": export})
    if not export.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, for its requester only, until it expires (then 404)."""
    export = _own_or_404(request, pk)
    if not export.may_download:
        raise Http404
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        route=f"export_{export.kind}_download",
        purpose=_rows_purpose(export.rows_total, _parameters(export.filters)),
    )
    stamp = timezone.localtime(export.finished_at).strftime("%Y%m%d-%H%M")
    stem = FILE_NAMES.get(export.kind, "ekspor")
    response = FileResponse(
        export.file.open("rb"),
        content_type=XLSX_CONTENT_TYPE if export.format == ExportFormat.XLSX else CSV_CONTENT_TYPE,
    )
    _as_download(response, f"{stem}-{stamp}.{export.format}")
    return response


@login_required
@require_POST
def export_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Start again an export whose job was lost or failed (its requester only)."""
    try:
        export_restart(actor=request.user, export_id=pk)
    except Export.DoesNotExist:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        start_job("export", pk)
        messages.success(request, _("Ekspor berjalan lagi."))
    return redirect("export_detail", pk=pk)
