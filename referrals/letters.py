"""The referral letter (surat rujukan) as an A4 PDF (``core.pdf``: letterhead, signature,
fonts).

The letter is an official document addressed to an Indonesian agency, so it is always
written in Bahasa Indonesia, whatever language the officer's interface is in. It carries the
receiver's full NIK: the view that serves it writes the access log, and neither the URL nor
the file name holds the NIK. It says only what this referral is about (its own reason and
the documents its service requires), never the back office's internal notes or what other
agencies were asked for. A verification code and URL let whoever holds the paper check that
it is genuine and still current.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from agencies.models import Agency, Office
from cases.models import Case, HomeVisit, Person, Priority
from cases.print_parts import address
from core.pdf import (
    LINE,
    draw_letterhead,
    draw_signature,
    field,
    latin1,
    long_date,
    new_pdf,
    paragraph,
    regency_title,
)

from .models import Referral, ReferralStatus


def display_code(code: str) -> str:
    """``ABCD-EFGH-JKMN``: a verification code as printed, in groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class LetterContext:
    """What the letter needs besides the referral (``referrals.selectors``): its number, the
    referring office (letterhead and signatory; None: the regency's name), the documents the
    service requires (``{"document_type", "provided"}``), the latest home visit, the
    sender's role (signature without a configured official) and the verification URL."""

    number: str
    office: Office | None
    documents: list[dict]
    visit: HomeVisit | None
    sender_role: str
    verification_url: str


def _verification(case, visit: HomeVisit | None) -> str:
    if visit is not None:
        return _("%(result)s (kunjungan rumah %(date)s)") % {
            "result": visit.get_recommendation_display(),
            "date": long_date(visit.visited_at),
        }
    if case.verification_waiver_reason:
        return _("Kunjungan rumah ditiadakan oleh penyelia")
    return "-"


def render_referral_letter(referral: Referral, context: LetterContext) -> bytes:
    """The letter for ``referral`` (loaded by ``referrals.selectors.referral_detail``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return bytes(_draw(referral, context).output())


def _draw(referral: Referral, context: LetterContext) -> FPDF:
    """The whole letter, section by section, top to bottom."""
    case = referral.case
    agency = referral.agency
    government, place = regency_title(agency.regency.name)
    office = context.office
    code = display_code(referral.verification_code)
    pdf = new_pdf(
        title=_("Surat Rujukan %(case)s") % {"case": case.number},
        author=office.name if office else government,
        footer_lines=[
            _("Surat rujukan %(number)s · dibuat melalui Simpul") % {"number": context.number},
            _("Periksa keaslian: %(url)s (kode %(code)s)")
            % {"url": context.verification_url, "code": code},
        ],
    )
    draw_letterhead(pdf, office, government)
    _draw_letter_fields(pdf, referral, case, context.number, place)
    _draw_addressee(pdf, agency)
    _draw_title(pdf, referral)
    _draw_beneficiary(pdf, referral, case, referral.receiver, context.visit)
    _draw_documents(pdf, context.documents)
    _draw_closing(pdf, referral, context, government)
    return pdf


def _draw_letter_fields(pdf: FPDF, referral: Referral, case: Case, number: str, place: str) -> None:
    """Place and date on the right, then Nomor, Sifat (urgency) and Perihal (subject)."""
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(
        0,
        LINE,
        latin1(f"{place}, {long_date(referral.sent_at)}"),
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    urgent = case.priority in (Priority.HIGH, Priority.URGENT)
    field(pdf, _("Nomor"), number, indent=0)
    field(pdf, _("Sifat"), _("Segera") if urgent else _("Biasa"), indent=0)
    field(
        pdf,
        _("Perihal"),
        _("Rujukan layanan %(service)s") % {"service": referral.service.name},
        indent=0,
    )
    pdf.ln(4)


def _draw_addressee(pdf: FPDF, agency: Agency) -> None:
    """Kepada Yth.: the head of the receiving agency, its address, "di tempat"."""
    pdf.multi_cell(
        0,
        LINE,
        latin1(
            "\n".join(
                line
                for line in (
                    _("Kepada Yth."),
                    _("Kepala %(agency)s") % {"agency": agency.name},
                    agency.address,
                    _("di tempat"),
                )
                if line
            )
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(4)


def _draw_title(pdf: FPDF, referral: Referral) -> None:
    """The centred title, with the status in red if the referral is no longer live."""
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, latin1(_("SURAT RUJUKAN")), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    if referral.status in (
        ReferralStatus.REJECTED,
        ReferralStatus.DECLINED,
        ReferralStatus.REVOKED,
    ):
        pdf.set_text_color(170, 0, 0)
        pdf.cell(
            0,
            LINE,
            latin1(
                _("Status saat dicetak: %(status)s") % {"status": referral.get_status_display()}
            ),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(0)
    pdf.ln(3)


def _draw_beneficiary(
    pdf: FPDF, referral: Referral, case: Case, person: Person, visit: HomeVisit | None
) -> None:
    """The salutation and opening sentence, then the beneficiary, case and service fields."""
    paragraph(pdf, _("Dengan hormat,"), gap=1)
    paragraph(
        pdf,
        _(
            "Bersama ini kami merujuk penerima manfaat di bawah ini untuk mendapatkan layanan "
            "%(service)s dari %(agency)s:"
        )
        % {"service": referral.service.name, "agency": referral.agency.name},
    )
    birth = ", ".join(
        part
        for part in (person.birth_place, long_date(person.birth_date) if person.birth_date else "")
        if part
    )
    field(pdf, _("Nama lengkap"), person.full_name)
    field(
        pdf,
        _("NIK"),
        person.nik or _("Belum memiliki NIK (%(reason)s)") % {"reason": person.no_nik_reason},
    )
    field(pdf, _("Tempat, tanggal lahir"), birth)
    field(pdf, _("Jenis kelamin"), person.get_sex_display())
    field(pdf, _("Alamat"), address(person))
    field(pdf, _("Nomor kasus"), case.number)
    field(pdf, _("Layanan yang dimohon"), referral.service.name)
    # This referral's own reason only: the citizen's request and the back office's notes
    # may speak of other needs and other agencies.
    field(pdf, _("Alasan rujukan"), referral.note.strip())
    field(pdf, _("Hasil verifikasi"), _verification(case, visit))
    pdf.ln(2)


def _draw_documents(pdf: FPDF, documents: list[dict]) -> None:
    """Dokumen persyaratan: each required document, numbered, and whether the case has it."""
    paragraph(pdf, _("Dokumen persyaratan"), bold=True, gap=0)
    if documents:
        for index, row in enumerate(documents, start=1):
            state = _("tersedia di berkas kasus") if row["provided"] else _("belum ada")
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(
                0,
                LINE,
                latin1(f"{index}. {row['document_type'].name} ({state})"),
                align="L",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    else:
        paragraph(pdf, _("Tidak ada dokumen yang dipersyaratkan."), gap=0)
    pdf.ln(3)


def _draw_closing(pdf: FPDF, referral: Referral, context: LetterContext, government: str) -> None:
    """The reply-by sentence and where to check the letter, then the signature: the office's
    signing official when configured (name, position, NIP), else the sender."""
    paragraph(
        pdf,
        _(
            "Mohon rujukan ini ditanggapi paling lambat %(due)s melalui Simpul. Atas perhatian "
            "dan kerja sama Bapak/Ibu, kami ucapkan terima kasih."
        )
        % {"due": long_date(referral.due_at)},
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        4.5,
        latin1(
            _("Keaslian dan keberlakuan surat ini dapat diperiksa di %(url)s dengan kode %(code)s.")
            % {"url": context.verification_url, "code": display_code(referral.verification_code)}
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Helvetica", "", 11)
    office = context.office
    if office is not None and office.signatory_name:
        draw_signature(
            pdf,
            heading=[office.signatory_position],
            name=office.signatory_name,
            nip=office.signatory_nip,
        )
        return
    sender = referral.sent_by.get_full_name() or referral.sent_by.get_username()
    draw_signature(
        pdf,
        heading=[office.name if office else government.title(), context.sender_role],
        name=sender,
    )
