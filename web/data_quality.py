"""Data quality at a glance (issue 14): for a regency or district, how many people have no
NIK, how many duplicate pairs wait, how many deceased people still have open cases or aid
on the way, how many family cards were never checked against DTKS/DTSEN or not for a year;
in all and per district (per village for a district), each number with its list.

For the back office and supervisors of the area (``agencies.models.REGISTRY_DECIDER_ROLES``);
an area outside theirs is answered as one that does not exist. Each measure is one
queryset (``cases.quality``, ``referrals.selectors.people_needing_validation``), counted
with one GROUP BY on the region code's prefix and listed behind its number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from agencies.models import REGISTRY_DECIDER_ROLES, Region, code_within
from agencies.selectors import areas_of
from cases import quality
from cases.models import LifeStatus, Person
from cases.selectors import people_visible_to
from core.types import Viewer
from referrals.selectors import people_needing_validation

WITHOUT_NIK = "tanpa-nik"
DUPLICATES = "data-ganda"
DECEASED = "meninggal"
NEVER_CHECKED = "kk-belum-dicek"
CHECKED_LONG_AGO = "kk-lebih-setahun"

# The length of the code one level down: a province's regencies, a regency's districts, a
# district's villages (Kemendagri codes "xx", "xx.xx", "xx.xx.xx", "xx.xx.xx.xxxx").
CHILD_CODE_LENGTH = {2: 5, 5: 8, 8: 13}

Rows = Callable[[Viewer, dt.date], QuerySet]


def _deceased(user: Viewer, today: dt.date) -> QuerySet[Person]:
    return people_needing_validation(user).filter(
        life_status=LifeStatus.DECEASED, merged_into__isnull=True
    )


@dataclass(frozen=True)
class Measure:
    """One number of the page: its key (the list's URL part), its heading, what it counts."""

    key: str
    label: str
    rows: Rows


MEASURES = [
    Measure(WITHOUT_NIK, _("Tanpa NIK"), lambda user, today: quality.people_without_nik()),
    Measure(
        DUPLICATES,
        _("Kemungkinan data ganda"),
        lambda user, today: quality.open_duplicate_pairs(),
    ),
    Measure(DECEASED, _("Meninggal, kasus/bantuan masih berjalan"), _deceased),
    Measure(
        NEVER_CHECKED,
        _("KK belum pernah dicek DTKS/DTSEN"),
        lambda user, today: quality.families_never_checked(),
    ),
    Measure(
        CHECKED_LONG_AGO,
        _("KK dicek lebih dari setahun lalu"),
        lambda user, today: quality.families_checked_long_ago(today),
    ),
]
# The measures listed here; the duplicate pairs are listed by the duplicates worklist.
LISTED = {m.key: m for m in MEASURES if m.key != DUPLICATES}


def watched_areas(user: Viewer) -> list[str]:
    """The codes of the areas whose data quality ``user`` watches, broadest first, none
    lying inside another of them."""
    codes = sorted(set(areas_of(user, REGISTRY_DECIDER_ROLES)), key=lambda c: (len(c), c))
    kept: list[str] = []
    for code in codes:
        if not any(code_within(code, broader) for broader in kept):
            kept.append(code)
    return kept


def watched_area(user: Viewer, code: str | None) -> Region | None:
    """The region ``code`` (the user's first area when none is given) if it lies in an area
    whose data quality ``user`` watches; None otherwise, as for a code that does not exist."""
    areas = watched_areas(user)
    code = (code or "").strip() or (areas[0] if areas else "")
    if not any(code_within(code, area) for area in areas):
        return None
    region = Region.objects.select_related("parent").filter(code=code).first()
    return region


@dataclass
class AreaRow:
    """One line of the page: a region (None for the whole area) and its numbers by key."""

    region: Region | None
    counts: dict[str, int] = field(default_factory=dict)


def area_counts(user: Viewer, area: Region, today: dt.date) -> tuple[AreaRow, list[AreaRow]]:
    """The area's numbers in all, and per region one level down (every one of them, zeros
    included). One query for the regions and one per measure, whatever the data size."""
    length = CHILD_CODE_LENGTH.get(len(area.code), len(area.code))
    rows = {
        child.code: AreaRow(child)
        for child in Region.objects.filter(parent_id=area.code).order_by("code")
    }
    total = AreaRow(None)
    for measure in MEASURES:
        grouped = (
            measure.rows(user, today)
            .filter(Region.within_q(area.code))
            .annotate(part=Substr("region_id", 1, length))
            .values("part")
            .annotate(n=Count("pk"))
            .values_list("part", "n")
            .order_by()
        )
        total.counts[measure.key] = 0
        for row in rows.values():
            row.counts[measure.key] = 0
        for part, n in grouped:
            total.counts[measure.key] += n
            if part in rows:
                rows[part].counts[measure.key] = n
    return total, list(rows.values())


def area_list(user: Viewer, key: str, area: Region, today: dt.date) -> QuerySet[Person]:
    """The people (for a family card: its home member, ``cases.quality.family_homes``)
    behind one number of ``area``, by village and name; ``has_page`` tells whether the
    user can open their person page (``cases.selectors.people_visible_to``)."""
    visible = Q(pk__in=people_visible_to(user).values("pk"))
    return (
        LISTED[key]
        .rows(user, today)
        .filter(Region.within_q(area.code))
        .select_related("region__parent", "family")
        .annotate(has_page=ExpressionWrapper(visible, output_field=BooleanField()))
        .order_by("region_id", "full_name", "pk")
    )
