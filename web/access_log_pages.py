"""Log akses: the access log for supervisors (who read which citizen's data, when), in
their scope (the admin's rule), by date range and action, with its export buttons."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.pages import page_of

from .access_log import access_log_rows, may_read_access_log


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Supervisors only (403 for other roles)."""
    if not may_read_access_log(request.user):
        raise PermissionDenied
    rows, _described, form = access_log_rows(request.user, request.GET)
    page = page_of(request, rows, per_page=50)
    status = 200 if form.is_valid() else 400
    return render(request, "web/access_log.html", {"page": page, "form": form}, status=status)
