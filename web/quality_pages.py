"""Data quality at a glance (issue 14): the page of a regency or district, and the lists
behind its numbers (``web.data_quality``).

Only for the back office and supervisors of an area (403 for every other role); an area
outside theirs answers 404, as one that does not exist. Region codes in the query string
(``?wilayah=19.04.01``) are public Kemendagri codes, never personal data.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from agencies.models import Region, RegionLevel, code_within
from core.pages import page_of
from web import data_quality

# The duplicate pairs worklist (``duplicate_list``), opened for one area.
DUPLICATE_LIST_PATH = "/data-ganda/"


def _area(request: HttpRequest) -> Region:
    if not data_quality.watched_areas(request.user):
        raise PermissionDenied
    area = data_quality.watched_area(request.user, request.GET.get("wilayah"))
    if area is None:
        raise Http404
    return area


def _parent_link(request: HttpRequest, area: Region) -> Region | None:
    """The area one level up, when the user watches it too (to go back to it)."""
    if area.parent_id is None:
        return None
    parent = area.parent
    watched = data_quality.watched_areas(request.user)
    if parent is None or not any(code_within(parent.code, a) for a in watched):
        return None
    return parent


@login_required
def quality_overview(request: HttpRequest) -> HttpResponse:
    """Kualitas data: the area's numbers in all and per district (per village for a
    district), each opening its list."""
    area = _area(request)
    total, rows = data_quality.area_counts(request.user, area, timezone.localdate())
    context = {
        "area": area,
        "up": _parent_link(request, area),
        "areas": Region.objects.filter(code__in=data_quality.watched_areas(request.user)),
        "measures": data_quality.MEASURES,
        "total": total,
        "all_clear": not any(total.counts.values()),
        "rows": rows,
        "drill_down": bool(rows) and rows[0].region.level != RegionLevel.VILLAGE,
        "duplicates_url": DUPLICATE_LIST_PATH,
    }
    return render(request, "web/data_quality.html", context)


@login_required
def quality_list(request: HttpRequest, key: str) -> HttpResponse:
    """The people or family cards behind one number of the area (or of one of its
    villages), by village and name."""
    measure = data_quality.LISTED.get(key)
    if measure is None:
        raise Http404
    area = _area(request)
    rows = data_quality.area_list(request.user, key, area, timezone.localdate())
    # A village's list goes back to its district's page, where its row is.
    overview = area
    if area.level == RegionLevel.VILLAGE:
        overview = _parent_link(request, area) or area
    context = {
        "area": area,
        "measure": measure,
        "page": page_of(request, rows),
        "families": key in (data_quality.NEVER_CHECKED, data_quality.CHECKED_LONG_AGO),
        # A village's list goes back to its district's page, where its row is.
        "overview_query": urlencode({"wilayah": overview.code}),
    }
    return render(request, "web/data_quality_list.html", context)
