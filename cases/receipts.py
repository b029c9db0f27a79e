"""Tanda terima (issue 15): the receipt a citizen takes home from the intake desk.

It says what the office received: the case number and date, who applied and for whom (NIK
masked: the paper leaves the office), what was requested, which documents were handed in
and which are still missing, what happens next, and how to ask about the case (its number,
at the office or by phone). One page, in Bahasa Indonesia (an official paper, as the
referral letter), on the handling office's letterhead (``core.pdf``, fpdf2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.pdf import draw_letterhead, draw_signature, field, long_date, new_pdf, paragraph

from .models import Case, CaseKind


@dataclass(frozen=True)
class ReceiptContext:
    """What the receipt needs besides the case: the handling office (an
    ``agencies.models.Office`` or None), the government heading (``PEMERINTAH ...``), the
    officer who received the request, and the documents received and still missing (their
    names, from the services' checklist)."""

    office: Any
    government: str
    officer_name: str
    received_documents: list[str]
    missing_documents: list[str]


def render_receipt(case: Case, context: ReceiptContext) -> bytes:
    """The receipt of ``case`` as PDF bytes (Bahasa Indonesia whatever the reader's
    language: it is handed to the citizen)."""
    with override("id"):
        pdf = new_pdf(
            title=_("Tanda terima %(number)s") % {"number": case.number},
            author=context.office.name if context.office else "Simpul",
            footer_lines=[_("Tanda terima permohonan · %(number)s") % {"number": case.number}],
        )
        draw_letterhead(pdf, context.office, context.government)
        paragraph(pdf, _("TANDA TERIMA PERMOHONAN"), bold=True)
        _draw_case(pdf, case)
        _draw_documents(pdf, context.received_documents, context.missing_documents)
        _draw_next_steps(pdf, case, context.office)
        place = context.office.area.name if context.office else ""
        draw_signature(
            pdf,
            heading=[f"{place}, {long_date(timezone.localdate())}".strip(", "), _("Petugas")],
            name=context.officer_name,
        )
        return bytes(pdf.output())


def _draw_case(pdf, case: Case) -> None:
    field(pdf, _("Nomor kasus"), case.number)
    field(pdf, _("Tanggal"), long_date(timezone.localtime(case.opened_at)))
    field(pdf, _("Jenis"), case.get_kind_display())
    applicant = case.applicant
    field(pdf, _("Pemohon"), f"{applicant.full_name} (NIK {applicant.masked_nik or '-'})")
    beneficiary = case.beneficiary
    if beneficiary.pk != applicant.pk:
        field(
            pdf,
            _("Penerima manfaat"),
            f"{beneficiary.full_name} (NIK {beneficiary.masked_nik or '-'})",
        )
    services = ", ".join(service.name for service in case.requested_services.all())
    if case.kind == CaseKind.COMPLAINT:
        field(pdf, _("Pengaduan"), case.description)
    else:
        field(pdf, _("Layanan yang diminta"), services or "-")
    pdf.ln(2)


def _draw_documents(pdf, received: list[str], missing: list[str]) -> None:
    field(pdf, _("Berkas diterima"), ", ".join(received) or _("belum ada"))
    if missing:
        field(pdf, _("Berkas yang masih perlu dibawa"), ", ".join(missing))
    pdf.ln(2)


def _draw_next_steps(pdf, case: Case, office: Any) -> None:
    paragraph(pdf, _("Langkah berikutnya"), bold=True, gap=0)
    if case.kind == CaseKind.COMPLAINT:
        text = _(
            "Pengaduan Anda dicatat dan ditangani sesuai tingkatnya. Petugas akan menghubungi "
            "Anda bila perlu keterangan tambahan."
        )
    else:
        text = _(
            "Pekerja sosial atau pendamping akan mengunjungi rumah untuk verifikasi. Setelah "
            "itu permohonan dinilai dan, bila memenuhi syarat, dirujuk ke instansi yang "
            "memberikan layanan."
        )
    paragraph(pdf, text)
    contact = _("Tanyakan perkembangan permohonan dengan menyebut nomor kasus %(number)s") % {
        "number": case.number
    }
    if office is not None and office.phone:
        contact += _(" di kantor %(office)s atau telepon %(phone)s.") % {
            "office": office.name,
            "phone": office.phone,
        }
    elif office is not None:
        contact += _(" di kantor %(office)s.") % {"office": office.name}
    else:
        contact += "."
    paragraph(pdf, contact)
