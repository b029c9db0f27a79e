"""Berita acara kunjungan rumah (issue 15): the minutes of a social worker's home visit.

What the office files and the household signs: the case, the household visited (every NIK
masked: the paper leaves the office), when and by whom, each finding recorded on the visit
under its label, the recommendation, the photos drawn small (one that cannot be read is
said so, not a failed download) and the signature lines of the officer, the head of the
household and the office head who acknowledges it. In Bahasa Indonesia on the visiting
officer's office letterhead (``core.pdf``), like the receipt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from core.pdf import (
    LINE,
    draw_letterhead,
    draw_photos,
    draw_signature_row,
    draw_table,
    field,
    latin1,
    long_date,
    new_pdf,
    paragraph,
)

from .models import HomeVisit, Person
from .print_parts import address, household_head, person_line

logger = logging.getLogger(__name__)

# What the officer records on a visit besides its time and recommendation, in form order.
ASSESSMENT_FIELDS = ("findings", "household_conditions")


@dataclass(frozen=True)
class MinutesContext:
    """What the minutes need besides the visit: the visiting officer's office (an
    ``agencies.models.Office`` or None), the government heading (``KABUPATEN ...``), the
    place written before the date, and the household visited as the printing user may see
    it (``cases.selectors.family_of``: the beneficiary first)."""

    office: Any
    government: str
    place: str
    household: list[Person]


def render_visit_minutes(visit: HomeVisit, context: MinutesContext) -> bytes:
    """The minutes of ``visit`` (its case, visitor and photos loaded or loadable) as PDF
    bytes, in Bahasa Indonesia whatever the reader's language."""
    case = visit.case
    with override(settings.LANGUAGE_CODE):
        pdf = new_pdf(
            title=_("Berita acara kunjungan rumah %(number)s") % {"number": case.number},
            author=context.office.name if context.office else "Simpul",
            footer_lines=[_("Berita acara kunjungan rumah · %(number)s") % {"number": case.number}],
        )
        draw_letterhead(pdf, context.office, context.government)
        _draw_title(pdf, visit)
        _draw_case(pdf, visit)
        _draw_household(pdf, context.household)
        _draw_findings(pdf, visit)
        paragraph(pdf, _("F. Foto kunjungan"), bold=True, gap=1)
        photos = visit_photos(visit)
        if photos:
            draw_photos(pdf, photos, unreadable=_("Foto tidak dapat dibaca"))
        else:
            paragraph(pdf, _("Tidak ada foto."))
        _draw_closing(pdf, visit, context)
        return bytes(pdf.output())


def visit_photos(visit: HomeVisit) -> list[tuple[str, bytes | None]]:
    """Each photo of the visit as (caption, file content), None for a file the private
    storage cannot give back (deleted, moved, unreadable)."""
    photos: list[tuple[str, bytes | None]] = []
    for number, photo in enumerate(visit.photos.order_by("uploaded_at", "pk"), start=1):
        data: bytes | None
        try:
            with photo.file.open("rb") as handle:
                data = handle.read()
        except (OSError, ValueError):
            logger.warning("visit photo %s could not be read", photo.pk, exc_info=True)
            data = None
        photos.append((_("Foto %(number)s") % {"number": number}, data))
    return photos


def _draw_title(pdf: FPDF, visit: HomeVisit) -> None:
    """The centred title, then who went where and when, as an official report opens."""
    pdf.set_font("Helvetica", "B", 13)
    title = _("BERITA ACARA KUNJUNGAN RUMAH")
    pdf.cell(0, 7, latin1(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    number = _("Nomor kasus: %(number)s") % {"number": visit.case.number}
    pdf.cell(0, LINE, latin1(number), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    visited = timezone.localtime(visit.visited_at)
    paragraph(
        pdf,
        _(
            "Pada hari %(day)s, tanggal %(date)s, pukul %(time)s, petugas yang bertanda tangan "
            "di bawah ini telah melakukan kunjungan rumah untuk memverifikasi permohonan "
            "dengan hasil sebagai berikut."
        )
        % {
            "day": formats.date_format(visited, "l"),
            "date": long_date(visited),
            "time": formats.time_format(visited, "H.i"),
        },
    )


def _draw_case(pdf: FPDF, visit: HomeVisit) -> None:
    case = visit.case
    paragraph(pdf, _("A. Kasus"), bold=True, gap=0)
    field(pdf, _("Nomor kasus"), case.number)
    field(pdf, _("Jenis"), case.get_kind_display())
    services = ", ".join(service.name for service in case.requested_services.all())
    field(pdf, _("Layanan yang diminta"), services or "-")
    field(pdf, _("Uraian kebutuhan"), case.description)
    pdf.ln(2)
    paragraph(pdf, _("B. Pelaksanaan kunjungan"), bold=True, gap=0)
    visited = timezone.localtime(visit.visited_at)
    field(
        pdf,
        _("Waktu kunjungan"),
        f"{long_date(visited)}, {formats.time_format(visited, 'H.i')}",
    )
    visitor = visit.visited_by
    field(pdf, _("Petugas"), visitor.get_full_name() or visitor.get_username())
    if visit.latitude is not None and visit.longitude is not None:
        field(pdf, _("Titik lokasi (GPS)"), f"{visit.latitude}, {visit.longitude}")
    pdf.ln(2)


def _draw_household(pdf: FPDF, household: list[Person]) -> None:
    """The beneficiary's address and family card (numbers masked), and its members."""
    paragraph(pdf, _("C. Rumah tangga yang dikunjungi"), bold=True, gap=0)
    beneficiary = household[0]
    field(pdf, _("Penerima manfaat"), person_line(beneficiary))
    field(pdf, _("Alamat"), address(beneficiary))
    family = beneficiary.family
    field(pdf, _("Nomor KK"), family.masked_kk_number if family else _("Belum ada KK"))
    head = household_head(household)
    field(pdf, _("Kepala keluarga"), person_line(head) if head else "-")
    pdf.ln(1)
    if len(household) > 1:
        draw_table(
            pdf,
            [_("Nama"), _("Hubungan dalam KK"), _("NIK"), _("Jenis kelamin")],
            [
                [
                    member.full_name,
                    member.get_relationship_display(),
                    member.masked_nik or "-",
                    member.get_sex_display(),
                ]
                for member in household
            ],
            [4, 3, 3, 2],
        )
    else:
        pdf.ln(1)


def _draw_findings(pdf: FPDF, visit: HomeVisit) -> None:
    """Each assessment field under its own label, then the recommendation."""
    paragraph(pdf, _("D. Hasil kunjungan"), bold=True, gap=0)
    for name in ASSESSMENT_FIELDS:
        label = capfirst(str(HomeVisit._meta.get_field(name).verbose_name))
        field(pdf, label, getattr(visit, name).strip())
    pdf.ln(2)
    paragraph(pdf, _("E. Rekomendasi"), bold=True, gap=0)
    paragraph(
        pdf,
        _("Berdasarkan hasil kunjungan, rumah tangga ini dinilai: %(result)s.")
        % {"result": visit.get_recommendation_display()},
    )


def _draw_closing(pdf: FPDF, visit: HomeVisit, context: MinutesContext) -> None:
    """The closing sentence, place and date, and the three signature lines: the officer,
    the head of the household (or the beneficiary), the office head who acknowledges."""
    pdf.ln(2)
    paragraph(
        pdf,
        _(
            "Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
            "sebagaimana mestinya."
        ),
    )
    visitor = visit.visited_by
    citizen = household_head(context.household) or context.household[0]
    office = context.office
    if office is not None and office.signatory_name:
        witness = ([_("Mengetahui,"), office.signatory_position], office.signatory_name)
    else:
        head = _("Kepala %(office)s") % {"office": office.name} if office else _("Saksi")
        witness = ([_("Mengetahui,"), head], "")
    draw_signature_row(
        pdf,
        [
            ([_("Petugas yang berkunjung")], visitor.get_full_name() or visitor.username),
            ([_("Kepala rumah tangga / warga")], citizen.full_name),
            witness,
        ],
        dated=f"{context.place}, {long_date(visit.visited_at)}".strip(", "),
    )
