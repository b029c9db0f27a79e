"""What each export holds: the rows of the page it is started from, read by that page's
own selector in the user's scope (so an export never shows more than the page), with
translated headers, NIK masked, and the filters in words for the file's first line.

``SOURCES`` maps an export's kind (in its URL and its record) to a function
``(user, data) -> ExportSource``; ``data`` is the page's parameters (a QueryDict), read
exactly as the page reads them. A background export calls the same function again when it
runs, with the stored parameters, in the requester's scope of that moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import AccessLog, Case, CaseKind, CaseStatus, Stage
from cases.nik import holds_id_number, mask_nik
from core.errors import DomainError
from core.spreadsheets import Table, filter_date
from core.types import Viewer
from workflows import selectors as task_selectors
from workflows.dashboard import dashboard_figures
from workflows.models import TaskKind, WorkItem
from workflows.report_forms import DashboardForm

from .access_log import access_log_rows, may_read_access_log
from .case_filters import describe_filters, filter_cases
from .dashboard_pages import ALL_ROLES

# Rows read from the database at a time by a long export.
CHUNK = 2000

KIND_LABELS = {
    "cases": gettext_lazy("Daftar kasus"),
    "tasks": gettext_lazy("Tugas saya"),
    "queue": gettext_lazy("Antrean instansi"),
    "dashboard": gettext_lazy("Dasbor wilayah"),
    "access_log": gettext_lazy("Log akses"),
}

# Each kind's file name stem (never anything about a person).
FILE_NAMES = {
    "cases": "daftar-kasus",
    "tasks": "tugas-saya",
    "queue": "antrean-instansi",
    "dashboard": "dasbor",
    "access_log": "log-akses",
}


class ExportRefused(DomainError):
    """The page's parameters are not valid filters (the message names the field and the
    rule): the export answers 400, as the page does."""


def refusal(form: forms.Form) -> ExportRefused:
    """The page's form errors as one refusal: "<field label>: <message>; ..."."""
    return ExportRefused(
        "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}"
            if name in form.fields
            else " ".join(errors)
            for name, errors in form.errors.items()
        )
    )


@dataclass
class ExportSource:
    """One export's content: ``tables()`` reads the rows (lazily), ``count()`` says how
    many before they are read (stream or background), ``filters`` for the first line."""

    name: str  # the file name's stem (never anything about a person)
    tables: Callable[[], list[Table]]
    count: Callable[[], int]
    filters: list[tuple[str, str]] = field(default_factory=list)
    may_run_in_background: bool = True


def _rows(qs: QuerySet, row: Callable[[Any], Sequence[Any]]) -> Iterator[Sequence[Any]]:
    for obj in qs.iterator(chunk_size=CHUNK):
        yield row(obj)


# --- The case list ---------------------------------------------------------------------


def case_rows(user: Viewer, data: QueryDict) -> tuple[QuerySet[Case], list[tuple[str, str]]]:
    """The case list's rows for the parameters in ``data`` (the page's filters, sort and
    search: ``web.case_filters``), and the filters in words. ``data`` is the export button's
    POST, so a NIK or KK number in ``q`` is allowed here as in the page's search box.

    Raises ``ExportRefused`` (400 with the message) when a filter is not valid."""
    filterset = filter_cases(user, data, allow_number_search=True)
    if not filterset.is_valid():
        raise refusal(filterset.form)
    return filterset.qs, describe_filters(filterset)


# The columns of a case row, read as plain values (no model instances: 100,000 rows).
CASE_COLUMNS = [
    "number",
    "kind",
    "stage",
    "status",
    "beneficiary__full_name",
    "beneficiary__nik",
    "region__name",
    "opened_at",
    "closed_at",
    "next_due",
]


def _labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each choice's label in the current language, once per export (not once per row)."""
    return {value: str(label) for value, label in choices.choices}


def _case_rows(rows: QuerySet[Case]) -> Iterator[Sequence[Any]]:
    kinds, stages, statuses = _labels(CaseKind), _labels(Stage), _labels(CaseStatus)
    values = rows.values_list(*CASE_COLUMNS)
    for number, kind, stage, status, name, nik, *rest in values.iterator(chunk_size=CHUNK):
        labels = kinds.get(kind, kind), stages.get(stage, stage), statuses.get(status, status)
        yield [number, *labels, name, mask_nik(nik), *rest]


def case_source(user: Viewer, data: QueryDict) -> ExportSource:
    rows, described = case_rows(user, data)
    headers = [
        _("Nomor kasus"),
        _("Jenis"),
        _("Tahap"),
        _("Status"),
        _("Penerima manfaat"),
        _("NIK"),
        _("Desa/kelurahan"),
        _("Dibuka"),
        _("Ditutup"),
        _("Tenggat berikutnya"),
    ]
    return ExportSource(
        name=FILE_NAMES["cases"],
        tables=lambda: [Table(_("Daftar kasus"), headers, _case_rows(rows))],
        count=rows.order_by().count,
        filters=described,
        # A NIK search finds one person's cases: streamed, never stored with the NIK.
        may_run_in_background=not holds_id_number(data.get("q", "")),
    )


# --- Tasks: the inbox and the agency queue ---------------------------------------------


def _task_headers() -> list[str]:
    return [
        _("Tugas"),
        _("Nomor kasus"),
        _("Penerima manfaat"),
        _("NIK"),
        _("Layanan"),
        _("Desa/kelurahan"),
        _("Instansi"),
        _("Tenggat"),
        _("Keadaan"),
        _("Dipegang oleh"),
    ]


def _task_row(item: WorkItem, now: dt.datetime) -> list[Any]:
    owner = item.task.owner
    state = ""
    if item.due_at < now:
        state = _("Terlambat")
    elif item.at_risk_at <= now:
        state = _("Berisiko")
    return [
        item.get_kind_display(),
        item.case.number,
        item.case.beneficiary.full_name,
        item.case.beneficiary.masked_nik,
        item.referral.service.display_name if item.referral else "",
        item.case.region.name,
        item.agency.name if item.agency else "",
        item.due_at,
        state,
        (owner.get_full_name() or owner.get_username()) if owner else _("belum diambil"),
    ]


def task_source(user: Viewer, data: QueryDict) -> ExportSource:
    """Kotak masuk: the tasks the user can act on now (``actionable_tasks``)."""
    rows = task_selectors.actionable_tasks(user)
    now = timezone.now()
    return ExportSource(
        name=FILE_NAMES["tasks"],
        tables=lambda: [
            Table(_("Tugas saya"), _task_headers(), _rows(rows, lambda i: _task_row(i, now)))
        ],
        count=rows.order_by().count,
    )


def queue_choice(data: QueryDict) -> tuple[str, str]:
    """The agency queue's ``kind`` and ``holder`` parameters, unknown values dropped."""
    kind = data.get("kind", "")
    holder = data.get("holder", "")
    return (
        kind if kind in task_selectors.AGENCY_KINDS else "",
        holder if holder in task_selectors.QUEUE_HOLDERS else "all",
    )


HOLDER_LABELS = {
    "all": gettext_lazy("Semua"),
    "mine": gettext_lazy("Diambil saya"),
    "unclaimed": gettext_lazy("Belum diambil"),
}


def queue_source(user: Viewer, data: QueryDict) -> ExportSource:
    """Antrean instansi (404 for a user in no agency, as the page), with who each task
    waits for when the user may not act on it."""
    if not task_selectors.has_agency_queue(user):
        raise Http404
    kind, holder = queue_choice(data)
    rows = task_selectors.agency_queue(user, holder=holder)
    rows = rows.filter(kind=kind) if kind else rows
    described = [(_("Pemegang tugas"), str(HOLDER_LABELS[holder]))]
    if kind:
        described.insert(0, (_("Jenis tugas"), str(TaskKind(kind).label)))
    now = timezone.now()

    def row(item: WorkItem) -> list[Any]:
        return [*_task_row(item, now), task_selectors.waits_for(user, item) or ""]

    headers = [*_task_headers(), _("Menunggu")]
    return ExportSource(
        name=FILE_NAMES["queue"],
        tables=lambda: [Table(_("Antrean instansi"), headers, _rows(rows, row))],
        count=rows.order_by().count,
        filters=described,
    )


# --- The dashboard and the access log --------------------------------------------------


def dashboard_tables(data: dict) -> list[Table]:
    """The dashboard's tables (``workflows.dashboard.dashboard_figures``): cases by stage,
    cases with late work by agency and by district, cases opened and closed per week, and
    the agencies' KPIs per month."""
    late, risky = _("Terlambat"), _("Berisiko")
    return [
        Table(
            _("Kasus per tahap"),
            [_("Tahap"), _("Jumlah")],
            [(label, data["by_stage"].get(value, 0)) for value, label in Stage.choices],
        ),
        Table(
            _("Per instansi"),
            [_("Instansi"), late, risky],
            [(r["agency__name"], r["overdue"], r["at_risk"]) for r in data["by_agency"]],
        ),
        Table(
            _("Per kecamatan"),
            [_("Kecamatan"), late, risky],
            [(r["region__parent__name"], r["overdue"], r["at_risk"]) for r in data["by_district"]],
        ),
        Table(
            _("Per minggu"),
            [_("Minggu mulai"), _("Dibuka"), _("Selesai")],
            [(w["week"], w["opened"], w["closed"]) for w in data["weeks"]],
        ),
        Table(
            _("Kinerja instansi per bulan"),
            [
                _("Bulan"),
                _("Instansi"),
                _("Rujukan diterima"),
                _("Dijawab tepat waktu (%)"),
                _("Median hari sampai jawaban"),
                _("Disalurkan (%)"),
                _("Median hari sampai penyaluran"),
                _("Terlambat kini"),
            ],
            [
                (
                    r["month"],
                    r["agency_name"],
                    r["received"],
                    r["on_time_share"],
                    r["median_days_to_answer"],
                    r["delivered_share"],
                    r["median_days_to_delivery"],
                    r["overdue_now"],
                )
                for r in data["kpis"]
            ],
        ),
    ]


def dashboard_source(user: Viewer, data: QueryDict) -> ExportSource:
    """The dashboard's tables for the page's date range and region (the same chooser, the
    same refusal of a region outside the user's areas): a few dozen rows, always
    streamed."""
    form = DashboardForm(data, user=user, roles=ALL_ROLES)
    if not form.is_valid():
        raise refusal(form)
    figures = dashboard_figures(
        user,
        start=form.cleaned_data["from_"],
        end=form.cleaned_data["to"],
        region=form.cleaned_data["region"],
    )
    region = dict(form.fields["region"].choices).get(form.cleaned_data["region"], "")
    return ExportSource(
        name=FILE_NAMES["dashboard"],
        tables=lambda: dashboard_tables(figures),
        count=lambda: 0,
        filters=[
            (_("Dari tanggal"), filter_date(figures["start"])),
            (_("Sampai tanggal"), filter_date(figures["end"])),
            (_("Wilayah"), str(region)),
        ],
        may_run_in_background=False,
    )


def _access_row(entry: AccessLog) -> list[Any]:
    person = entry.person
    return [
        entry.at,
        entry.user.get_full_name() or entry.user.get_username(),
        entry.get_action_display(),
        entry.case.number if entry.case else "",
        person.full_name if person else "",
        person.masked_nik if person else "",
        entry.route,
        entry.purpose,
    ]


def access_log_source(user: Viewer, data: QueryDict) -> ExportSource:
    """The access log in the supervisor's scope (403 for anyone else, as the page)."""
    if not may_read_access_log(user):
        raise PermissionDenied
    rows, described, form = access_log_rows(user, data)
    if not form.is_valid():
        raise refusal(form)
    headers = [
        _("Waktu"),
        _("Pengguna"),
        _("Tindakan"),
        _("Nomor kasus"),
        _("Penduduk"),
        _("NIK"),
        _("Rute"),
        _("Tujuan"),
    ]
    return ExportSource(
        name=FILE_NAMES["access_log"],
        tables=lambda: [Table(_("Log akses"), headers, _rows(rows, _access_row))],
        count=rows.order_by().count,
        filters=described,
    )


SOURCES: dict[str, Callable[[Viewer, QueryDict], ExportSource]] = {
    "cases": case_source,
    "tasks": task_source,
    "queue": queue_source,
    "dashboard": dashboard_source,
    "access_log": access_log_source,
}
