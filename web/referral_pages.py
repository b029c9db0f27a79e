"""Agency pages: the agency's queue, the referral page and the referral letter (PDF)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from cases.access import log_access
from cases.models import AccessAction
from core.addresses import client_address
from core.pages import page_of
from referrals import selectors
from referrals.letters import LetterContext, render_referral_letter
from referrals.models import Referral
from web import selectors as web_selectors
from workflows import selectors as task_selectors
from workflows.models import TaskKind


@login_required
def agency_queue(request: HttpRequest) -> HttpResponse:
    """Antrean instansi: all open work of the user's agencies, oldest due first."""
    if not task_selectors.has_agency_queue(request.user):
        raise Http404
    kind = request.GET.get("kind", "")
    kind = kind if kind in task_selectors.AGENCY_KINDS else ""
    holder = request.GET.get("holder", "")
    holder = holder if holder in task_selectors.QUEUE_HOLDERS else "all"
    now = timezone.now()
    queue = task_selectors.agency_queue(request.user, holder=holder)
    counts = task_selectors.queue_counts(queue, now)
    page = page_of(request, queue.filter(kind=kind) if kind else queue)
    return render(
        request,
        "referrals/agency_queue.html",
        {
            "page": page,
            "rows": [
                {
                    "item": item,
                    "overdue": item.due_at < now,
                    "at_risk": item.at_risk_at <= now <= item.due_at,
                    "waits_for": task_selectors.waits_for(request.user, item),
                }
                for item in page.object_list
            ],
            "kind": kind,
            "holder": holder,
            "counts": counts,
            "kinds": [
                (value, TaskKind(value).label, counts["by_kind"][value])
                for value in task_selectors.AGENCY_KINDS
            ],
            "holders": [
                ("all", _("Semua")),
                ("mine", _("Diambil saya")),
                ("unclaimed", _("Belum diambil")),
            ],
        },
    )


def _referral_or_404(user, pk: int) -> Referral:
    try:
        return selectors.referral_detail(user, pk)
    except Referral.DoesNotExist:
        raise Http404 from None


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the referral needs, for the receiving agency and the case team (logged)."""
    referral = _referral_or_404(request.user, pk)
    case = referral.case
    log_access(
        user=request.user,
        action=AccessAction.VIEW_CASE,
        route="referral_detail",
        case=case,
        person=referral.receiver,
    )
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "case": case,
            "person": referral.receiver,
            **web_selectors.referral_page(request.user, referral),
        },
    )


@login_required
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """Surat rujukan as a PDF shown in the browser. It holds the full NIK: logged as printed;
    the file is named by case number and referral id only."""
    referral = _referral_or_404(request.user, pk)
    case = referral.case
    pdf = render_referral_letter(
        referral,
        LetterContext(
            number=selectors.letter_number(referral),
            office=selectors.referring_office(referral),
            documents=selectors.required_documents(referral, with_files=False),
            visit=selectors.latest_visit(referral),
            sender_role=selectors.sender_role(referral),
            verification_url=letter_check_url(request),
        ),
    )
    log_access(
        user=request.user,
        action=AccessAction.PRINT_LETTER,
        route="referral_letter",
        case=case,
        person=referral.receiver,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="surat-rujukan-{case.number}-{referral.pk}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def letter_check_url(request: HttpRequest) -> str:
    """The public check's address printed on letters: under ``PUBLIC_BASE_URL`` when set
    (letters printed from an internal host name still point the public to the right
    place), else this request's host."""
    path = reverse("letter_check")
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def letter_check(request: HttpRequest) -> HttpResponse:
    """Cek keaslian surat rujukan, public (no sign-in): whoever holds a referral letter types
    the code printed on it and learns whether it is genuine and current (number, date,
    office, agency, service, status), never whose letter it is. Lookups are limited per
    address (``LETTER_CHECK_RATE``) so codes cannot be tried in bulk; the code goes in a GET query
    (it is no personal data), so the answer can be bookmarked and reloaded."""
    code = request.GET.get("kode", "").strip()[:40]
    # Only lookups count (a desk behind one address opening the empty form costs nothing).
    usage = (
        get_usage(
            request,
            group="simpul.letter-check",
            key=client_address,
            rate=settings.LETTER_CHECK_RATE,
            method=ALL,
            increment=True,
        )
        if code
        else None
    )
    if usage is not None and usage["should_limit"]:
        return render(request, "referrals/letter_check.html", {"limited": True}, status=429)
    found = selectors.letter_status(code) if code else None
    return render(
        request,
        "referrals/letter_check.html",
        {"code": code, "letter": found},
        status=404 if code and found is None else 200,
    )
