"""Reads behind the intake form's live helpers: the NIK lookup and the region picker.

Both are scoped to the officer: a NIK registered outside their working area is only
reported as such (no name, no address), and the region picker offers only regions on the way
to, or inside, the areas they may register people in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import (
    INTAKE_ROLES,
    Region,
    RegionLevel,
    Service,
    code_within,
    region_and_ancestors,
)
from agencies.selectors import areas_of
from cases import selectors
from cases.models import Person
from cases.nik import NikParts, normalize_number, parse_nik
from core.types import Viewer
from referrals.selectors import prior_aid

LEVELS = [RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT, RegionLevel.VILLAGE]


@dataclass
class NikLookup:
    """What the NIK typed at intake tells the officer.

    ``status`` is ``empty``, ``invalid`` (``errors`` says why), ``new`` (not registered;
    ``birth_date`` and ``sex`` read from the NIK), ``found`` (``person`` in the officer's
    area, with open cases and aid received this period) or ``elsewhere`` (registered outside
    the officer's area: ``errors`` holds the one answer intake also gives, nothing more).
    """

    status: str
    errors: list[str] = field(default_factory=list)
    person: Person | None = None
    open_cases: list = field(default_factory=list)
    prior_aid: list[dict] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str = ""


def _birth_date(parts: NikParts) -> dt.date | None:
    today = timezone.localdate()
    century = 2000 if parts.birth_year_2d <= today.year % 100 else 1900
    try:
        return dt.date(century + parts.birth_year_2d, parts.birth_month, parts.birth_day)
    except ValueError:
        return None


def nik_lookup(user: Viewer, nik: str) -> NikLookup:
    nik = normalize_number(nik)
    if not nik:
        return NikLookup("empty")
    try:
        parts = parse_nik(nik)
    except ValidationError as error:
        return NikLookup("invalid", errors=error.messages)
    person = selectors.person_by_nik(nik)
    if person is None:
        return NikLookup("new", birth_date=_birth_date(parts), sex=parts.sex)
    if not selectors.may_pick_person(user, person):
        return NikLookup("elsewhere", errors=[str(selectors.REGISTERED_ELSEWHERE)])
    aid_types = set(
        Service.objects.exclude(aid_type="").values_list("aid_type", flat=True).distinct()
    )
    return NikLookup(
        "found",
        person=person,
        open_cases=list(selectors.open_cases_of(person)),
        prior_aid=prior_aid(person, aid_types=aid_types, on=timezone.localdate()),
    )


def _intake_areas(user: Viewer) -> list[str]:
    return areas_of(user, INTAKE_ROLES)


def _in_scope(code: str, areas: list[str]) -> bool:
    return any(code_within(code, area) or code_within(area, code) for area in areas)


@dataclass
class RegionPicker:
    """The four cascading selects: for each level, the options and the selected code."""

    levels: list[dict]
    village: Region | None
    results: list[Region]
    query: str


def region_picker(user: Viewer, code: str = "", q: str = "") -> RegionPicker:
    """The picker's state after choosing ``code`` (any level) or searching ``q``.

    A level with a single option in the officer's scope is chosen for them, so a village
    officer sees their own village already selected.
    """
    areas = _intake_areas(user)
    chosen = []
    if code and _in_scope(code, areas):
        chosen = region_and_ancestors(code)
    levels = []
    parent = None
    for depth, level in enumerate(LEVELS):
        if depth == 0:
            candidates = Region.objects.filter(level=level)
        elif parent is None:
            candidates = Region.objects.none()
        else:
            candidates = Region.objects.filter(parent_id=parent)
        options = [r for r in candidates.only("code", "name", "level") if _in_scope(r.code, areas)]
        selected = chosen[depth] if depth < len(chosen) else ""
        if not selected and len(options) == 1:
            selected = options[0].code
        if selected not in {r.code for r in options}:
            selected = ""
        levels.append(
            {"level": level, "label": level.label, "options": options, "selected": selected}
        )
        parent = selected or None
    village_code = levels[-1]["selected"]
    village = (
        Region.objects.select_related("parent__parent").filter(code=village_code).first()
        if village_code
        else None
    )
    results = []
    query = q.strip()
    if len(query) >= 2 and areas:
        results = list(
            Region.objects.filter(Region.regions_within_any_q(areas), level=RegionLevel.VILLAGE)
            .filter(search_name__contains=query.lower())
            .select_related("parent__parent")
            .order_by("search_name", "code")[:15]
        )
    return RegionPicker(levels=levels, village=village, results=results, query=query)
