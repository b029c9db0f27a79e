"""The referral letter (surat rujukan) as an A4 PDF, drawn with fpdf2 (pure Python).

The letter is an official document addressed to an Indonesian agency, so it is always
written in Bahasa Indonesia (the project's default language), whatever language the
officer's interface is in. It carries the beneficiary's full NIK: the view that serves it
writes the access log, and neither the URL nor the file name holds the NIK.

fpdf2's built-in Helvetica covers Latin-1 only; names and notes are typed by people, so
every text goes through :func:`latin1` first (curly quotes, dashes and accented letters
are folded, anything else becomes ``?``) rather than failing the download.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from agencies.models import Agency, Office
from cases.models import Case, HomeVisit, Person, Priority

from .models import Referral, ReferralStatus

FOLDED = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2022": "-",
    "\u2026": "...",
    "\u2192": "->",
    "\u00a0": " ",
    "\r": "",
    "\t": " ",
}

MARGIN = 22.0  # mm, left and right
LINE = 5.2  # mm, body line height
LABEL_WIDTH = 46.0
SIGNATURE_HEIGHT = 3 + 2 * LINE + 18 + LINE + 2  # mm: gap, office and role, space, name


def latin1(text: object) -> str:
    """``text`` in characters the PDF core fonts can draw (Latin-1)."""
    out = []
    for char in str(text or ""):
        char = FOLDED.get(char, char)
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in folded if not unicodedata.combining(c))
            try:
                char.encode("latin-1")
            except UnicodeEncodeError:
                char = "?"
        out.append(char)
    return "".join(out)


def long_date(value: dt.date | dt.datetime) -> str:
    """``23 November 2026``: the date as Indonesian letters write it."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(value, "j F Y")


def regency_title(name: str) -> tuple[str, str]:
    """("KABUPATEN BANGKA TENGAH", "Bangka Tengah") from a region name like "KAB. BANGKA
    TENGAH": the government named in the letterhead, and the place before the date."""
    upper = " ".join(name.upper().split())
    for prefix in ("KABUPATEN ", "KAB. ", "KAB "):
        if upper.startswith(prefix):
            place = upper[len(prefix) :]
            return f"KABUPATEN {place}", place.title()
    if upper.startswith("KOTA "):
        return upper, upper[len("KOTA ") :].title()
    return upper, name.title()


class LetterPdf(FPDF):
    """A4 portrait with the letter number and page count in every footer."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", size=7.5)
        self.set_text_color(110)
        self.cell(0, 4, latin1(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(
            0,
            4,
            latin1(
                _("Halaman %(page)s dari %(total)s") % {"page": self.page_no(), "total": "{nb}"}
            ),
            align="R",
        )
        self.set_text_color(0)


def _field(pdf: FPDF, label: str, value: str, *, indent: float = 6.0) -> None:
    pdf.set_x(pdf.l_margin + indent)
    pdf.cell(LABEL_WIDTH, LINE, latin1(label))
    pdf.cell(4, LINE, ":")
    pdf.multi_cell(0, LINE, latin1(value) or "-", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, text: str, *, bold: bool = False, gap: float = 2.0) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11)
    pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    if gap:
        pdf.ln(gap)


def _address(person) -> str:
    village = person.region
    parts = [person.street.strip()] if person.street.strip() else []
    if person.rt or person.rw:
        parts.append(f"RT {person.rt or '-'}/RW {person.rw or '-'}")
    parts.append(village.name)
    if village.parent:
        parts.append(_("Kec. %(name)s") % {"name": village.parent.name})
        if village.parent.parent:
            parts.append(village.parent.parent.name)
    return ", ".join(parts)


def _verification(case, visit: HomeVisit | None) -> str:
    if visit is not None:
        return _("%(result)s (kunjungan rumah %(date)s)") % {
            "result": visit.get_recommendation_display(),
            "date": long_date(visit.visited_at),
        }
    if case.verification_waiver_reason:
        return _("Kunjungan rumah ditiadakan oleh penyelia")
    return "-"


def render_referral_letter(
    referral: Referral,
    *,
    number: str,
    office: Office | None,
    documents: list[dict],
    visit: HomeVisit | None,
) -> bytes:
    """The letter for ``referral`` (loaded by ``referrals.selectors.referral_detail``)."""
    with translation.override(settings.LANGUAGE_CODE):
        return bytes(_draw(referral, number, office, documents, visit).output())


def _draw(
    referral: Referral,
    number: str,
    office: Office | None,
    documents: list[dict],
    visit: HomeVisit | None,
) -> FPDF:
    """The whole letter, section by section, top to bottom."""
    case = referral.case
    person = referral.receiver
    agency = referral.agency
    government, place = regency_title(agency.regency.name)
    sender = referral.sent_by.get_full_name() or referral.sent_by.get_username()

    pdf = _new_pdf(case, number, office, government)
    _draw_letterhead(pdf, office, government)
    _draw_letter_fields(pdf, referral, case, number, place)
    _draw_addressee(pdf, agency)
    _draw_title(pdf, referral)
    _draw_beneficiary(pdf, referral, case, person, visit)
    _draw_documents(pdf, documents)
    _draw_closing(pdf, referral, office, government, sender)
    return pdf


def _new_pdf(case: Case, number: str, office: Office | None, government: str) -> LetterPdf:
    """An A4 document with the footer, metadata and margins set and its first page added."""
    pdf = LetterPdf(orientation="P", unit="mm", format="A4")
    pdf.footer_text = _("Surat rujukan %(number)s · dibuat melalui Simpul") % {"number": number}
    pdf.set_title(latin1(_("Surat Rujukan %(case)s") % {"case": case.number}))
    pdf.set_author(latin1(office.name if office else government))
    pdf.set_creator("Simpul")
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _draw_letterhead(pdf: FPDF, office: Office | None, government: str) -> None:
    """Kop surat: the government, the referring office and its contact, a double rule."""
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 6.5, latin1(_("PEMERINTAH %(name)s") % {"name": government}), align="C")
    pdf.ln(6.5)
    pdf.set_font("Helvetica", "B", 15)
    heading = office.name if office else _("Sistem Layanan dan Rujukan Terpadu")
    pdf.multi_cell(0, 7, latin1(heading.upper()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    contact = " · ".join(
        part
        for part in (
            office.address if office else "",
            _("Telp. %(phone)s") % {"phone": office.phone} if office and office.phone else "",
        )
        if part
    )
    if contact:
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, latin1(contact), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 2
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + 1.2, pdf.w - MARGIN, y + 1.2)
    pdf.set_y(y + 5)


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
    _field(pdf, _("Nomor"), number, indent=0)
    _field(pdf, _("Sifat"), _("Segera") if urgent else _("Biasa"), indent=0)
    _field(
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
    _paragraph(pdf, _("Dengan hormat,"), gap=1)
    _paragraph(
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
    _field(pdf, _("Nama lengkap"), person.full_name)
    _field(
        pdf,
        _("NIK"),
        person.nik or _("Belum memiliki NIK (%(reason)s)") % {"reason": person.no_nik_reason},
    )
    _field(pdf, _("Tempat, tanggal lahir"), birth)
    _field(pdf, _("Jenis kelamin"), person.get_sex_display())
    _field(pdf, _("Alamat"), _address(person))
    _field(pdf, _("Nomor kasus"), case.number)
    _field(pdf, _("Layanan yang dimohon"), referral.service.name)
    reason = case.description.strip()
    if referral.note:
        reason += "\n" + _("Catatan petugas: %(note)s") % {"note": referral.note.strip()}
    _field(pdf, _("Alasan rujukan"), reason)
    _field(pdf, _("Hasil verifikasi"), _verification(case, visit))
    pdf.ln(2)


def _draw_documents(pdf: FPDF, documents: list[dict]) -> None:
    """Dokumen persyaratan: each required document, numbered, and whether the case has it."""
    _paragraph(pdf, _("Dokumen persyaratan"), bold=True, gap=0)
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
        _paragraph(pdf, _("Tidak ada dokumen yang dipersyaratkan."), gap=0)
    pdf.ln(3)


def _draw_closing(
    pdf: FPDF, referral: Referral, office: Office | None, government: str, sender: str
) -> None:
    """The reply-by sentence, then the signature block on the right half, kept on one page."""
    _paragraph(
        pdf,
        _(
            "Mohon rujukan ini ditanggapi paling lambat %(due)s melalui Simpul. Atas perhatian "
            "dan kerja sama Bapak/Ibu, kami ucapkan terima kasih."
        )
        % {"due": long_date(referral.due_at)},
    )
    if pdf.get_y() + SIGNATURE_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    left = pdf.w / 2 + 5
    for text in (office.name if office else government.title(), _("Petugas back office")):
        pdf.set_x(left)
        pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(18)
    pdf.set_x(left)
    pdf.set_font("Helvetica", "BU", 11)
    pdf.multi_cell(0, LINE, latin1(sender), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
