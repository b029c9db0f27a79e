"""Printouts of a case (issue 15), PDF in Bahasa Indonesia on the office's letterhead
(``core.pdf``): the receipt (tanda terima) the citizen takes home from the intake desk, the
minutes of a home visit (berita acara kunjungan rumah) and the case summary (ringkasan
kasus) for a file or a transfer.

For the case team (``cases.selectors.sees_whole_case``): agencies print the referral
letter, not these. Each printout is access-logged; the file is named by case number only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from agencies.models import Region
from agencies.selectors import handling_office
from cases import selectors
from cases.access import log_access
from cases.models import AccessAction, Case, HomeVisit, Person
from cases.receipts import ReceiptContext, render_receipt
from cases.visit_minutes import MinutesContext, render_visit_minutes
from core.pdf import regency_title
from core.types import Viewer
from referrals.selectors import document_checklist
from web.case_summary import SummaryContext, render_case_summary, summary_of


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _printable_case(user: Viewer, number: str) -> Case:
    """The case whose printouts ``user`` may take: 404 for a case they do not see (the same
    answer as one that does not exist), 403 for one they see only in part (an agency's
    referral: agencies print the referral letter, not these)."""
    case = selectors.case_detail_or_404(user, number)
    if not selectors.sees_whole_case(user, case):
        raise PermissionDenied
    return case


def _regency(case: Case) -> tuple[str, str]:
    """The government heading (``KABUPATEN ...``) and the place written before the date."""
    return regency_title(Region.objects.get(code=case.region.regency_code).name)


def _printed(
    request: HttpRequest,
    case: Case,
    route: str,
    content: bytes,
    name: str,
    *,
    person: Person | None = None,
) -> HttpResponse:
    """The PDF response named ``name`` (the case number, never a NIK), access-logged: one
    row per printout, ``route`` naming which, ``person`` whose data it shows (the
    beneficiary unless told)."""
    log_access(
        user=request.user,
        action=AccessAction.PRINT,
        route=route,
        case=case,
        person=person or case.beneficiary,
    )
    return _pdf_response(content, name)


@login_required
def case_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """Tanda terima of a case as a PDF (``_printable_case``)."""
    case = _printable_case(request.user, number)
    checklist = document_checklist(case)
    office = handling_office(case.region_id, case.opened_by_id)
    content = render_receipt(
        case,
        ReceiptContext(
            office=office,
            government=_regency(case)[0],
            officer_name=case.opened_by.get_full_name() or case.opened_by.username,
            received_documents=[r["document_type"].name for r in checklist if r["attachments"]],
            missing_documents=[r["document_type"].name for r in checklist if not r["attachments"]],
        ),
    )
    name = f"tanda-terima-{case.number}.pdf"
    return _printed(request, case, "case_receipt", content, name, person=case.applicant)


@login_required
def case_visit_minutes(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Berita acara of one home visit of the case (404 for a visit of another case), on
    the visiting officer's office letterhead."""
    case = _printable_case(request.user, number)
    try:
        visit = case.visits.select_related("visited_by").get(pk=pk)
    except HomeVisit.DoesNotExist:
        raise Http404 from None
    visit.case = case  # loaded with its people and requested services
    government, place = _regency(case)
    content = render_visit_minutes(
        visit,
        MinutesContext(
            office=handling_office(case.region_id, visit.visited_by_id),
            government=government,
            place=place,
            household=selectors.family_of(request.user, case.beneficiary),
        ),
    )
    name = f"berita-acara-kunjungan-{case.number}-{visit.visited_at:%Y%m%d}.pdf"
    return _printed(request, case, "case_visit_minutes", content, name)


@login_required
def case_summary(request: HttpRequest, number: str) -> HttpResponse:
    """Ringkasan kasus for a file or a transfer, on the printing officer's office
    letterhead."""
    case = _printable_case(request.user, number)
    government, place = _regency(case)
    content = render_case_summary(
        summary_of(request.user, case),
        SummaryContext(
            office=handling_office(case.region_id, request.user.pk),
            government=government,
            place=place,
            printed_by=request.user.get_full_name() or request.user.get_username(),
        ),
    )
    return _printed(request, case, "case_summary", content, f"ringkasan-kasus-{case.number}.pdf")
