"""The office printouts' common parts, drawn with fpdf2 (pure Python): A4 pages with a
footer, the letterhead (kop surat) and the signature block of an office, and text folded to
what the PDF core fonts can draw.

Printouts are official documents addressed to Indonesian offices and citizens, so they are
always written in Bahasa Indonesia (the project's default language), whatever language the
officer's interface is in: callers draw inside ``translation.override(LANGUAGE_CODE)``.

fpdf2's built-in Helvetica covers Latin-1 only; names and notes are typed by people, so
every text goes through :func:`latin1` first (curly quotes, dashes and accented letters
are folded, anything else becomes ``?``) rather than failing the download.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

logger = logging.getLogger(__name__)

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
LOGO_HEIGHT = 22.0  # mm
SIGNATURE_SPACE = 18.0  # mm left blank for the wet signature and stamp
SIGNATURE_HEIGHT = 3 + 2 * LINE + SIGNATURE_SPACE + 2 * LINE + 2  # mm


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


class OfficePdf(FPDF):
    """A4 portrait with ``footer_lines`` (left) and the page count in every footer."""

    footer_lines: list[str] = []

    def footer(self) -> None:
        lines = self.footer_lines or [""]
        self.set_y(-10 - 4 * len(lines))
        self.set_font("Helvetica", size=7.5)
        self.set_text_color(110)
        for index, text in enumerate(lines):
            self.set_x(self.l_margin)
            self.cell(0, 4, latin1(text), align="L")
            if index == len(lines) - 1:
                self.set_x(self.l_margin)
                page = _("Halaman %(page)s dari %(total)s") % {
                    "page": self.page_no(),
                    "total": "{nb}",
                }
                self.cell(0, 4, latin1(page), align="R")
            self.ln(4)
        self.set_text_color(0)


def new_pdf(*, title: str, author: str, footer_lines: list[str]) -> OfficePdf:
    """An A4 document with the footer, metadata and margins set and its first page added."""
    pdf = OfficePdf(orientation="P", unit="mm", format="A4")
    pdf.footer_lines = footer_lines
    pdf.set_title(latin1(title))
    pdf.set_author(latin1(author))
    pdf.set_creator("Simpul")
    pdf.set_margins(MARGIN, 14, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=14 + 4 * len(footer_lines))
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def field(pdf: FPDF, label: str, value: str, *, indent: float = 6.0) -> None:
    """``label : value`` with the value wrapped under itself; ``-`` when empty."""
    pdf.set_x(pdf.l_margin + indent)
    pdf.cell(LABEL_WIDTH, LINE, latin1(label))
    pdf.cell(4, LINE, ":")
    pdf.multi_cell(0, LINE, latin1(value) or "-", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def paragraph(pdf: FPDF, text: str, *, bold: bool = False, gap: float = 2.0) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 11)
    pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    if gap:
        pdf.ln(gap)


def _draw_logo(pdf: FPDF, logo: Any) -> bool:
    """The office's logo at the letterhead's left; False (nothing drawn) without one or when
    its file cannot be read as an image."""
    if not logo:
        return False
    try:
        with logo.open("rb") as handle:
            pdf.image(io.BytesIO(handle.read()), x=MARGIN, y=12, h=LOGO_HEIGHT)
    except Exception:  # a missing or broken file must not stop the letter
        logger.warning("office logo %s could not be drawn", logo.name, exc_info=True)
        return False
    return True


def draw_letterhead(pdf: FPDF, office: Any, government: str) -> None:
    """Kop surat: the logo (when the office has one), the government, the office and its
    contact, a double rule. ``office`` has ``name``, ``address``, ``phone`` and ``logo``
    (an ``agencies.models.Office``), or is None (the SLRT system's name is shown)."""
    has_logo = _draw_logo(pdf, office.logo if office else None)
    top = pdf.get_y()
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
    y = max(pdf.get_y(), top + LOGO_HEIGHT - 2 if has_logo else 0) + 2
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y + 1.2, pdf.w - MARGIN, y + 1.2)
    pdf.set_y(y + 5)


def draw_signature(pdf: FPDF, *, heading: list[str], name: str, nip: str = "") -> None:
    """The signature block on the right half, kept on one page: ``heading`` lines (office,
    position), room to sign, the name underlined and the NIP when given."""
    if pdf.get_y() + SIGNATURE_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    left = pdf.w / 2 + 5
    pdf.set_font("Helvetica", "", 11)
    for text in heading:
        pdf.set_x(left)
        pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(SIGNATURE_SPACE)
    pdf.set_x(left)
    pdf.set_font("Helvetica", "BU", 11)
    pdf.multi_cell(0, LINE, latin1(name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    if nip:
        pdf.set_x(left)
        pdf.multi_cell(
            0, LINE, latin1(_("NIP. %(nip)s") % {"nip": nip}), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
