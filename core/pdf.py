"""The office printouts' common parts, drawn with fpdf2 (pure Python): A4 pages with a
footer, the letterhead (kop surat) and the signature block of an office, and text folded to
what the PDF core fonts can draw.

Printouts are official documents addressed to Indonesian offices and citizens, so they are
always written in Bahasa Indonesia (the project's default language), whatever language the
officer's interface is in: callers draw inside ``translation.override(LANGUAGE_CODE)``.

fpdf2's built-in Helvetica covers Latin-1 only; names and notes are typed by people, so
every text goes through :func:`latin1` first (curly quotes, dashes and accented letters
are folded, anything else becomes ``?``) rather than failing the download.

Longer printouts (the case summary, the home-visit minutes) add tables whose heading row
repeats on each page, photos drawn small, and a row of signature blocks.
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
from fpdf.fonts import FontFace
from PIL import Image, ImageOps

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
TABLE_LINE = 4.2  # mm, a table's line height (9 pt)
PHOTOS_PER_ROW = 3
PHOTO_GAP = 5.0  # mm between photos
PHOTO_MAX_HEIGHT = 45.0  # mm
# A photo is embedded at most this many pixels on its longer side (about 190 dpi at the
# size it is drawn): a phone photo of several megabytes becomes some 50 kB.
PHOTO_PIXELS = 400


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


def draw_table(pdf: FPDF, headings: list[str], rows: list[list[str]], widths: list[float]) -> None:
    """A bordered table across the text width (``widths`` in proportion), 9 pt, its cells
    wrapped; a table running past the page goes on over the next with its heading row
    repeated."""
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        line_height=TABLE_LINE,
        text_align="LEFT",
        v_align="TOP",
        padding=1,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
    ) as table:
        table.row([latin1(text) for text in headings])
        for row in rows:
            table.row([latin1(text) or "-" for text in row])
    pdf.set_font("Helvetica", "", 11)
    pdf.ln(3)


def small_image(data: bytes) -> tuple[bytes, float] | None:
    """An image file (any format Pillow reads) as a small JPEG (``PHOTO_PIXELS``), turned
    upright as the camera meant it, with its height-to-width ratio; None when it cannot be
    read as an image."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (PHOTO_PIXELS, PHOTO_PIXELS))  # JPEG: decode at a fraction
            image = ImageOps.exif_transpose(opened).convert("RGB")
        image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=75)
    except Exception:  # a broken or unknown file must not stop the printout
        logger.warning("an image could not be read for a printout", exc_info=True)
        return None
    return out.getvalue(), image.height / image.width


def draw_photos(pdf: FPDF, photos: list[tuple[str, bytes | None]], *, unreadable: str) -> None:
    """``(caption, file content)`` pairs drawn small, ``PHOTOS_PER_ROW`` to a row, each row
    kept on one page; a photo that is missing (None) or cannot be read leaves a framed
    box saying ``unreadable`` in its place."""
    width = (pdf.epw - PHOTO_GAP * (PHOTOS_PER_ROW - 1)) / PHOTOS_PER_ROW
    for start in range(0, len(photos), PHOTOS_PER_ROW):
        row = [
            (caption, small_image(data) if data is not None else None)
            for caption, data in photos[start : start + PHOTOS_PER_ROW]
        ]
        sizes = [_photo_size(image, width) for _caption, image in row]
        height = max(h for _w, h in sizes)
        if pdf.get_y() + height + LINE > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        for index, ((caption, image), (w, h)) in enumerate(zip(row, sizes, strict=True)):
            left = pdf.l_margin + index * (width + PHOTO_GAP)
            _draw_photo(pdf, image, left, top, w, h, unreadable)
            pdf.set_xy(left, top + height)
            pdf.set_font("Helvetica", "", 8)
            pdf.cell(width, LINE - 1, latin1(caption), align="C")
        pdf.set_font("Helvetica", "", 11)
        pdf.set_xy(pdf.l_margin, top + height + LINE + 1)


def _photo_size(image: tuple[bytes, float] | None, width: float) -> tuple[float, float]:
    """(width, height) in mm: the column's width, or less for a tall photo."""
    if image is None:
        return width, PHOTO_MAX_HEIGHT * 0.6
    height = width * image[1]
    if height > PHOTO_MAX_HEIGHT:
        return PHOTO_MAX_HEIGHT / image[1], PHOTO_MAX_HEIGHT
    return width, height


def _draw_photo(
    pdf: FPDF,
    image: tuple[bytes, float] | None,
    left: float,
    top: float,
    width: float,
    height: float,
    unreadable: str,
) -> None:
    if image is not None:
        pdf.image(io.BytesIO(image[0]), x=left, y=top, w=width, h=height)
        return
    pdf.set_draw_color(150)
    pdf.rect(left, top, width, height)
    pdf.set_draw_color(0)
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_xy(left + 2, top + height / 2 - LINE)
    pdf.multi_cell(width - 4, LINE - 1, latin1(unreadable), align="C")


def draw_signature_row(pdf: FPDF, blocks: list[tuple[list[str], str]], *, dated: str = "") -> None:
    """Signature blocks side by side, kept on one page with the place and date (``dated``,
    right-aligned above them): minutes signed by several people. Each block has its
    ``heading`` lines, room to sign and the name underlined, or a dotted line for a name
    to be written by hand."""
    height = 3 + (LINE if dated else 0) + 2 * LINE + SIGNATURE_SPACE + 2 * LINE
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(3)
    if dated:
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, LINE, latin1(dated), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    width = pdf.epw / len(blocks)
    top = pdf.get_y()
    bottom = top
    pdf.set_font("Helvetica", "", 10)
    for index, (heading, _name) in enumerate(blocks):
        pdf.set_xy(pdf.l_margin + index * width, top)
        for text in heading:
            pdf.multi_cell(width, LINE, latin1(text), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    end = bottom
    for index, (_heading, name) in enumerate(blocks):
        pdf.set_xy(pdf.l_margin + index * width, bottom + SIGNATURE_SPACE)
        pdf.set_font("Helvetica", "BU" if name else "", 10)
        text = latin1(name) if name else "(" + "." * 36 + ")"
        pdf.multi_cell(width, LINE, text, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        end = max(end, pdf.get_y())
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(pdf.l_margin, end + LINE)
