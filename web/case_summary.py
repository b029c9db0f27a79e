"""Ringkasan kasus (issue 15): a case summary printed for a file or a transfer.

Everything the case page shows the case team, on paper: the case (number, kind, channel,
region, stage, status, outcome, dates, who opened it), the beneficiary and the applicant
(NIKs masked), the request, the referrals with their agency, service, state and outcome,
the deliveries, the follow-ups and the timeline (``web.timeline.case_timeline``, the one the
case page shows). A long case runs over as many pages as it needs: its tables repeat their
heading row on each page, each page's footer carries the case number and the page count.
In Bahasa Indonesia on the printing officer's office letterhead (``core.pdf``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from agencies.models import Region
from cases.models import Case, CaseKind, FollowUp
from cases.print_parts import address, person_line
from core.pdf import (
    LINE,
    draw_letterhead,
    draw_signature,
    draw_table,
    field,
    latin1,
    long_date,
    new_pdf,
    paragraph,
)
from core.types import Viewer
from referrals.models import Referral
from referrals.selectors import referrals_visible_to
from web.selectors import shows_category
from web.timeline import case_timeline
from web.timeline.changes import TimelineEvent, rupiah


@dataclass(frozen=True)
class CaseSummary:
    """What the summary prints, read for one user (``summary_of``)."""

    case: Case
    show_category: bool
    referrals: list[Referral]
    follow_ups: list[FollowUp]
    timeline: list[TimelineEvent]


@dataclass(frozen=True)
class SummaryContext:
    """The printing officer's office (letterhead; an ``agencies.models.Office`` or None),
    the government heading, the place before the date, and who prints."""

    office: Any
    government: str
    place: str
    printed_by: str


def summary_of(user: Viewer, case: Case) -> CaseSummary:
    """The summary of ``case`` (from ``cases.selectors.case_detail``) as ``user`` sees it,
    its texts in Bahasa Indonesia: a fixed number of queries however long the case."""
    referrals = list(
        referrals_visible_to(user)
        .filter(case=case)
        .select_related("service", "agency", "delivery__service", "delivery__person", "beneficiary")
        .order_by("sent_at", "pk")
    )
    with override(settings.LANGUAGE_CODE):
        timeline = case_timeline(case, viewer=user)
    return CaseSummary(
        case=case,
        show_category=shows_category(case, whole=True, referrals=referrals),
        referrals=referrals,
        follow_ups=list(case.follow_ups.select_related("recorded_by").order_by("contacted_at")),
        timeline=timeline,
    )


def render_case_summary(summary: CaseSummary, context: SummaryContext) -> bytes:
    """The summary as PDF bytes, in Bahasa Indonesia whatever the reader's language."""
    case = summary.case
    with override(settings.LANGUAGE_CODE):
        pdf = new_pdf(
            title=_("Ringkasan kasus %(number)s") % {"number": case.number},
            author=context.office.name if context.office else "Simpul",
            footer_lines=[
                _("Ringkasan kasus %(number)s · dicetak %(when)s oleh %(user)s")
                % {"number": case.number, "when": _when(timezone.now()), "user": context.printed_by}
            ],
        )
        draw_letterhead(pdf, context.office, context.government)
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(0, 7, latin1(_("RINGKASAN KASUS")), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 11)
        pdf.ln(2)
        _draw_case(pdf, case, summary.show_category)
        _draw_people(pdf, case)
        _draw_referrals(pdf, summary.referrals, case)
        _draw_follow_ups(pdf, summary.follow_ups)
        _draw_timeline(pdf, summary.timeline)
        draw_signature(
            pdf,
            heading=[
                f"{context.place}, {long_date(timezone.localdate())}".strip(", "),
                _("Petugas"),
            ],
            name=context.printed_by,
        )
        return bytes(pdf.output())


def _when(value: dt.datetime | None) -> str:
    """``2 Nov 2026 14.30``: a moment in a table, local time."""
    if value is None:
        return "-"
    return formats.date_format(timezone.localtime(value), "j M Y H.i")


def _region(region: Region) -> str:
    names = [region.name]
    if region.parent:
        names.append(_("Kec. %(name)s") % {"name": region.parent.name})
        if region.parent.parent:
            names.append(region.parent.parent.name)
    return ", ".join(names)


def _draw_case(pdf: FPDF, case: Case, show_category: bool) -> None:
    paragraph(pdf, _("A. Data kasus"), bold=True, gap=0)
    field(pdf, _("Nomor kasus"), case.number)
    field(pdf, _("Jenis"), f"{case.get_kind_display()} · {case.get_channel_display()}")
    if case.kind == CaseKind.SERVICE_REQUEST:
        category = case.ppks_category.name if case.ppks_category else "-"
        field(
            pdf,
            _("Kategori PPKS"),
            category if show_category else _("Dirahasiakan (data spesifik)"),
        )
    else:
        field(pdf, _("Perihal"), case.subject)
        field(pdf, _("Tingkat"), case.get_complaint_tier_display())
    field(pdf, _("Prioritas"), case.get_priority_display())
    field(pdf, _("Wilayah"), _region(case.region))
    field(pdf, _("Tahap"), case.get_stage_display())
    field(pdf, _("Status"), case.get_status_display())
    field(pdf, _("Hasil"), case.get_outcome_display())
    opener = case.opened_by.get_full_name() or case.opened_by.get_username()
    field(
        pdf,
        _("Dibuka"),
        _("%(when)s oleh %(who)s") % {"when": _when(case.opened_at), "who": opener},
    )
    field(pdf, _("Ditutup"), _when(case.closed_at))
    if case.round > 1:
        field(pdf, _("Putaran"), str(case.round))
    pdf.ln(2)


def _draw_people(pdf: FPDF, case: Case) -> None:
    """The beneficiary and the applicant, then what was requested."""
    paragraph(pdf, _("B. Penerima manfaat dan pemohon"), bold=True, gap=0)
    beneficiary = case.beneficiary
    field(pdf, _("Penerima manfaat"), person_line(beneficiary))
    if beneficiary.birth_date:
        field(pdf, _("Tanggal lahir"), long_date(beneficiary.birth_date))
    field(pdf, _("Alamat"), address(beneficiary))
    family = beneficiary.family
    field(pdf, _("Nomor KK"), family.masked_kk_number if family else _("Belum ada KK"))
    if case.applicant_id != beneficiary.pk:
        field(pdf, _("Pemohon"), person_line(case.applicant))
    else:
        field(pdf, _("Pemohon"), _("Penerima manfaat sendiri"))
    pdf.ln(2)
    paragraph(pdf, _("C. Permohonan"), bold=True, gap=0)
    field(pdf, _("Uraian kebutuhan"), case.description)
    if case.kind == CaseKind.SERVICE_REQUEST:
        services = ", ".join(service.name for service in case.requested_services.all())
        field(pdf, _("Layanan yang diminta"), services)
    pdf.ln(2)


def _outcome(referral: Referral) -> str:
    delivery = getattr(referral, "delivery", None)
    if delivery is not None:
        return _("Disalurkan %(date)s") % {"date": _when(delivery.delivered_at)}
    return referral.decision_reason or "-"


def _draw_referrals(pdf: FPDF, referrals: list[Referral], case: Case) -> None:
    """The referrals (service, agency, state, dates, outcome), then their deliveries."""
    paragraph(pdf, _("D. Rujukan"), bold=True, gap=1)
    rows = []
    for r in referrals:
        service = r.service.name
        if r.beneficiary_id and r.beneficiary_id != case.beneficiary_id:
            service += " " + _("(penerima: %(name)s)") % {"name": r.beneficiary.full_name}
        state = r.get_status_display()
        rows.append([service, r.agency.name, state, _when(r.sent_at), _when(r.due_at), _outcome(r)])
    if rows:
        headings = [_("Layanan"), _("Instansi"), _("Status"), _("Dikirim"), _("Tenggat")]
        draw_table(pdf, [*headings, _("Hasil")], rows, [4, 4, 3, 2.4, 2.4, 4])
    else:
        paragraph(pdf, _("Belum ada rujukan."))
    paragraph(pdf, _("E. Penyaluran"), bold=True, gap=1)
    deliveries = [r.delivery for r in referrals if getattr(r, "delivery", None) is not None]
    if deliveries:
        draw_table(
            pdf,
            [_("Layanan"), _("Penerima"), _("Tanggal"), _("Cara"), _("Nilai / barang")],
            [
                [
                    d.service.name,
                    d.person.full_name,
                    _when(d.delivered_at),
                    d.get_channel_display(),
                    " · ".join(p for p in (rupiah(d.amount) if d.amount else "", d.items) if p),
                ]
                for d in deliveries
            ],
            [4, 4, 2.5, 2.5, 5],
        )
    else:
        paragraph(pdf, _("Belum ada penyaluran."))


def _draw_follow_ups(pdf: FPDF, follow_ups: list[FollowUp]) -> None:
    paragraph(pdf, _("F. Tindak lanjut"), bold=True, gap=1)
    if not follow_ups:
        paragraph(pdf, _("Belum ada tindak lanjut."))
        return
    draw_table(
        pdf,
        [_("Tanggal"), _("Hasil"), _("Catatan"), _("Petugas")],
        [
            [
                _when(f.contacted_at),
                f.get_outcome_display(),
                f.note,
                f.recorded_by.get_full_name() or f.recorded_by.get_username(),
            ]
            for f in follow_ups
        ],
        [2.5, 3, 7, 3],
    )


def _event_text(event: TimelineEvent) -> str:
    lines = [event.summary]
    if event.detail:
        lines.append(event.detail)
    lines += [f"{label}: {old} -> {new}" for label, old, new in event.changes]
    if event.shows_occurred_at:
        lines.append(_("waktu kejadian %(when)s") % {"when": _when(event.occurred_at)})
    return "\n".join(lines)


def _draw_timeline(pdf: FPDF, timeline: list[TimelineEvent]) -> None:
    paragraph(pdf, _("G. Riwayat"), bold=True, gap=1)
    if not timeline:
        paragraph(pdf, _("Belum ada riwayat pada kasus ini."))
        return
    draw_table(
        pdf,
        [_("Waktu"), _("Oleh"), _("Peristiwa")],
        [[_when(e.at), e.actor_name, _event_text(e)] for e in timeline],
        [2.5, 3, 10],
    )
    pdf.set_font("Helvetica", "", 11)
    pdf.ln(LINE / 2)
