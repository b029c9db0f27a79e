"""Rekap bulanan (issue 15): the monthly recap of an office's or a regency's area, as a page,
a PDF on the office's letterhead and an XLSX workbook.

For supervisors and the back office, over their own areas (``RECAP_ROLES``): anyone else is
refused (403), and a region outside the user's areas is not among the choices (400 with the
form's message). Aggregates only; each download is access-logged (PRINT for the PDF, EXPORT
for the XLSX), the file named by region code and month.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agencies.models import Office, Region
from agencies.selectors import handling_office, roles_of
from cases.access import log_access
from cases.models import AccessAction
from core.pdf import regency_title
from core.spreadsheets import XLSX_CONTENT_TYPE
from workflows.recap import Recap, monthly_recap
from workflows.recap_files import recap_tables, recap_title, render_recap_pdf, render_recap_xlsx
from workflows.report_forms import RECAP_ROLES, RecapForm


def _recap_or_form(request: HttpRequest) -> tuple[RecapForm, Recap | None]:
    if not roles_of(request.user) & RECAP_ROLES:
        raise PermissionDenied
    form = RecapForm(request.GET or None, user=request.user, roles=RECAP_ROLES)
    if not form.is_bound or not form.is_valid():
        return form, None
    region = Region.objects.get(code=form.cleaned_data["region"])
    return form, monthly_recap(request.user, region=region, month=form.cleaned_data["month"])


def _user_name(request: HttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _file_name(recap: Recap, ext: str) -> str:
    return f"rekap-{recap.region.code}-{recap.month:%Y-%m}.{ext}"


def _page(request: HttpRequest, form: RecapForm, recap: Recap | None) -> HttpResponse:
    status = 400 if form.is_bound and recap is None else 200
    context = {
        "form": form,
        "recap": recap,
        "title": recap_title(recap) if recap else "",
        "tables": recap_tables(recap) if recap else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "web/recap.html", context, status=status)


@login_required
def recap_page(request: HttpRequest) -> HttpResponse:
    return _page(request, *_recap_or_form(request))


def _download(request: HttpRequest) -> Recap | HttpResponse:
    """The recap asked for, or the page with the form's errors (400)."""
    form, recap = _recap_or_form(request)
    return recap if recap is not None else _page(request, form, None)


def _purpose(recap: Recap) -> str:
    return f"{recap.region.code} {recap.month:%Y-%m}"


@login_required
def recap_pdf(request: HttpRequest) -> HttpResponse:
    recap = _download(request)
    if isinstance(recap, HttpResponse):
        return recap
    office = Office.objects.filter(area=recap.region, is_active=True).order_by("pk").first()
    office = office or handling_office(recap.region.code, request.user.pk)
    regency = Region.objects.filter(code=recap.region.regency_code).first() or recap.region
    content = render_recap_pdf(
        recap,
        office=office,
        government=regency_title(regency.name)[0],
        user_name=_user_name(request),
    )
    log_access(
        user=request.user, action=AccessAction.PRINT, route="recap_pdf", purpose=_purpose(recap)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_file_name(recap, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def recap_xlsx(request: HttpRequest) -> HttpResponse:
    recap = _download(request)
    if isinstance(recap, HttpResponse):
        return recap
    content = render_recap_xlsx(recap, user_name=_user_name(request))
    log_access(
        user=request.user, action=AccessAction.EXPORT, route="recap_xlsx", purpose=_purpose(recap)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(recap, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response
