"""Registry imports on the web (issue 14): the back office or a supervisor uploads a
DTKS/DTSEN extract or a death list; the dry run starts in the background and the page
shows its progress, then the report (downloadable as XLSX) and a button that commits it;
a death list's page lists the open cases of the people it marked deceased.

Only officers who import (back office, supervisors) open these pages (403 for other
roles); an import of another area answers 404, its report download too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.access import log_access
from cases.form_tokens import once_per_form_token
from cases.models import AccessAction, ImportKind, ImportState, RegistryImport
from cases.registry_import.forms import RegistryImportForm
from cases.registry_import.services import (
    import_areas,
    imports_visible_to,
    registry_import_commit,
    registry_import_create,
    registry_import_restart,
)
from core.errors import DomainError
from core.forms import add_error_to_form
from core.pages import page_of
from referrals.selectors import cases_affected_by_import
from workflows.background import start_job


def _importer_or_403(request: HttpRequest) -> list[str]:
    areas = import_areas(request.user)
    if not areas:
        raise PermissionDenied
    return areas


def _visible_or_404(request: HttpRequest, pk: int) -> RegistryImport:
    found = imports_visible_to(request.user).select_related("area", "uploaded_by").filter(pk=pk)
    registry_import = found.first()
    if registry_import is None:
        raise Http404
    return registry_import


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """The imports of the officer's areas, newest first, and the upload form."""
    areas = _importer_or_403(request)
    form = RegistryImportForm(areas=areas)
    return _list_page(request, form)


def _list_page(request: HttpRequest, form: RegistryImportForm, status: int = 200) -> HttpResponse:
    imports = imports_visible_to(request.user).select_related("area", "uploaded_by")
    page = page_of(request, imports)
    return render(request, "cases/import_list.html", {"page": page, "form": form}, status=status)


@login_required
@require_POST
@once_per_form_token
def import_new(request: HttpRequest) -> HttpResponse:
    """Keep the uploaded file and start its dry run in the background."""
    areas = _importer_or_403(request)
    form = RegistryImportForm(request.POST, request.FILES, areas=areas)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            registry_import = registry_import_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=upload,
                filename=upload.name,
                area_code=form.cleaned_data.get("area") or "",
            )
        except DomainError as error:
            add_error_to_form(form, error)
        else:
            start_job("registry_import", registry_import.pk)
            messages.success(request, _("Berkas diterima; pemeriksaan berjalan."))
            return redirect("import_detail", pk=registry_import.pk)
    return _list_page(request, form, status=400)


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its report and what can be done next."""
    _importer_or_403(request)
    registry_import = _visible_or_404(request, pk)
    affected = None
    if registry_import.kind == ImportKind.DEATHS and registry_import.committed:
        affected = page_of(request, cases_affected_by_import(request.user, registry_import))
    context = {"import": registry_import, "affected": affected}
    return render(request, "cases/import_detail.html", context)


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by the page while the run goes on; once it has ended the
    page reloads itself to show the report."""
    _importer_or_403(request)
    registry_import = _visible_or_404(request, pk)
    response = render(request, "cases/_import_progress.html", {"import": registry_import})
    if not registry_import.is_running:
        response["HX-Refresh"] = "true"
    return response


def _start_run(request: HttpRequest, pk: int, service: Callable[..., RegistryImport]):
    """The one path of both buttons that start a run: the service marks the import (under
    its lock), then the background job runs it; a refusal comes back as a message."""
    _importer_or_403(request)
    try:
        service(actor=request.user, import_id=pk)
    except RegistryImport.DoesNotExist:
        raise Http404 from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        start_job("registry_import", pk)
        messages.success(request, _("Impor berjalan."))
    return redirect("import_detail", pk=pk)


@login_required
@require_POST
@once_per_form_token
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Commit a checked import, in the background (``registry_import_commit``)."""
    return _start_run(request, pk, registry_import_commit)


@login_required
@require_POST
@once_per_form_token
def import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """Start again a run whose job was lost (``registry_import_restart``)."""
    return _start_run(request, pk, registry_import_restart)


@login_required
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    """The XLSX report, for the officers of the import's area only (access-logged)."""
    _importer_or_403(request)
    registry_import = _visible_or_404(request, pk)
    if not registry_import.report or registry_import.state in (
        ImportState.CHECKING,
        ImportState.IMPORTING,
    ):
        raise Http404
    log_access(user=request.user, action=AccessAction.EXPORT, route="import_report")
    response = FileResponse(
        registry_import.report.open("rb"),
        as_attachment=True,
        filename=f"laporan-impor-{registry_import.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
