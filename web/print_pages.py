"""Printouts of a case (issue 15), PDF in Bahasa Indonesia on the office's letterhead
(``core.pdf``): the receipt (tanda terima) the citizen takes home from the intake desk.

For the case team (``cases.selectors.sees_whole_case``): agencies print the referral
letter, not these. Each printout is access-logged; the file is named by case number only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from agencies.models import Region
from agencies.selectors import handling_office
from cases import selectors
from cases.access import log_access
from cases.models import AccessAction
from cases.receipts import ReceiptContext, render_receipt
from core.pdf import regency_title
from referrals.selectors import document_checklist


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """Tanda terima of a case as a PDF: 404 for a case the user does not see, 403 for one
    they see only in part (an agency's referral)."""
    case = selectors.case_detail_or_404(request.user, number)
    if not selectors.sees_whole_case(request.user, case):
        raise PermissionDenied
    checklist = document_checklist(case)
    regency = Region.objects.get(code=case.region.regency_code)
    office = handling_office(case.region_id, case.opened_by_id)
    content = render_receipt(
        case,
        ReceiptContext(
            office=office,
            government=regency_title(regency.name)[0],
            officer_name=case.opened_by.get_full_name() or case.opened_by.username,
            received_documents=[r["document_type"].name for r in checklist if r["attachments"]],
            missing_documents=[r["document_type"].name for r in checklist if not r["attachments"]],
        ),
    )
    log_access(
        user=request.user,
        action=AccessAction.PRINT,
        route="case_receipt",
        case=case,
        person=case.applicant,
    )
    return _pdf_response(content, f"tanda-terima-{case.number}.pdf")
