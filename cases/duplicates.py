"""Reads on duplicate records (issue 14): who may be the same person
(:func:`duplicate_candidates`, for one person typed at intake or many rows of an imported
file), who decides them, the pairs a user may see, and the village scan that finds pairs
among people already registered.

The rules for a candidate: the same birth date and a similar name, or a close name where a
birth date or a NIK is missing. The scan applies the same two rules to every pair of a
village at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from agencies.models import REGISTRY_DECIDER_ROLES, Region
from agencies.selectors import areas_of, covers
from core.types import Viewer

from .crypto import blind_index
from .models import DuplicatePair, DuplicateReason, DuplicateStatus, Person
from .names import CLOSE_NAMES, SIMILAR_NAMES, key_similarity, name_key


@dataclass(frozen=True)
class DuplicateCandidate:
    """A registered person who may be the one compared: their id, the name similarity
    (0-100, ``cases.names.key_similarity``) and why (a ``DuplicateReason`` value)."""

    person_id: int
    score: int
    reason: str


def duplicate_candidates(
    *,
    full_name: str,
    birth_date: dt.date | None,
    region: Region | str,
    has_nik: bool = True,
    exclude_nik: str = "",
    exclude_id: int | None = None,
) -> list[DuplicateCandidate]:
    """Registered people of the village ``region`` (a Region or its code) who may be the
    person described, best first. SLRT practice is to look before registering (national
    audits found a million duplicate records, ``domain.md`` section 3):

    - the same birth date and a similar name (``cases.names.SIMILAR_NAMES``: old spelling,
      short forms, order, a part left out): reason ``same_birth_date``; or
    - where a birth date or a NIK is missing, on the described person or on the registered
      one, a close name (``CLOSE_NAMES``: every part, in any order): reason ``close_name``.

    Names are compared by their folded keys (``Person.search_name``); merged records
    (tombstones) are never candidates. Two queries."""
    key = name_key(full_name)
    if not key:
        return []
    village = Person.objects.filter(region=region, merged_into__isnull=True)
    if exclude_nik:
        village = village.exclude(nik_index=blind_index(exclude_nik))
    if exclude_id is not None:
        village = village.exclude(pk=exclude_id)
    same_day: list[tuple[int, str]] = []
    if birth_date is not None:
        same_day = list(village.filter(birth_date=birth_date).values_list("pk", "search_name"))
    loose = village
    if birth_date is not None and has_nik:
        loose = village.filter(Q(birth_date__isnull=True) | Q(nik_index__isnull=True))
    return candidates_among(key, same_day, dict(loose.values_list("pk", "search_name")))


def candidates_among(
    key: str, same_day: Iterable[tuple[int, str]], loose: dict[int, str]
) -> list[DuplicateCandidate]:
    """The rule of :func:`duplicate_candidates` once the village's people are read:
    ``same_day`` the (id, folded name) of those born the same day, ``loose`` those to
    compare by a close name alone."""
    found: dict[int, DuplicateCandidate] = {}
    for pk, other in same_day:
        score = key_similarity(key, other)
        if score >= SIMILAR_NAMES:
            found[pk] = DuplicateCandidate(pk, round(score), DuplicateReason.SAME_BIRTH_DATE)
    if loose:
        for _name, score, pk in process.extract(
            key, loose, scorer=fuzz.token_sort_ratio, score_cutoff=CLOSE_NAMES, limit=None
        ):
            found.setdefault(pk, DuplicateCandidate(pk, round(score), DuplicateReason.CLOSE_NAME))
    # A matching birth date ranks first, then the score.
    return sorted(
        found.values(),
        key=lambda c: (c.reason != DuplicateReason.SAME_BIRTH_DATE, -c.score, c.person_id),
    )


@dataclass(frozen=True)
class Described:
    """A person described by a row of a file, for :func:`duplicate_candidates_of_many`."""

    full_name: str
    birth_date: dt.date | None
    region_code: str
    has_nik: bool
    key: str = ""  # the folded name, when already known (``Person.search_name``)


def duplicate_candidates_of_many(described: Sequence[Described]) -> list[list[DuplicateCandidate]]:
    """:func:`duplicate_candidates` of each of ``described`` (people not registered yet, as
    in an imported file), in at most three queries whatever their number."""
    keys = [d.key or name_key(d.full_name) for d in described]
    people = Person.objects.filter(merged_into__isnull=True)
    dated = [d for d, key in zip(described, keys, strict=True) if key and d.birth_date]
    same_day: dict[tuple[str, dt.date], list[tuple[int, str]]] = {}
    if dated:
        rows = people.filter(
            region__in={d.region_code for d in dated},
            birth_date__in={d.birth_date for d in dated},
        ).values_list("pk", "region_id", "birth_date", "search_name")
        for pk, region, born, name in rows:
            same_day.setdefault((region, born), []).append((pk, name))
    strict = {d.region_code for d in dated if d.has_nik}
    whole = {d.region_code for d, key in zip(described, keys, strict=True) if key} - strict
    loose: dict[str, dict[int, str]] = {}
    if strict:
        undated = Q(birth_date__isnull=True) | Q(nik_index__isnull=True)
        rows = people.filter(undated, region__in=strict).values_list(
            "pk", "region_id", "search_name"
        )
        for pk, region, name in rows:
            loose.setdefault(f"strict:{region}", {})[pk] = name
    if whole:
        rows = people.filter(region__in=whole).values_list("pk", "region_id", "search_name")
        for pk, region, name in rows:
            loose.setdefault(f"whole:{region}", {})[pk] = name
    found: list[list[DuplicateCandidate]] = []
    for d, key in zip(described, keys, strict=True):
        if not key:
            found.append([])
            continue
        kind = "strict" if d.birth_date and d.has_nik else "whole"
        day = same_day.get((d.region_code, d.birth_date), []) if d.birth_date else []
        found.append(candidates_among(key, day, loose.get(f"{kind}:{d.region_code}", {})))
    return found


def may_decide_duplicates(user: Viewer, region_code: str) -> bool:
    """Whether ``user`` decides on duplicate records living in ``region_code``: the back
    office and supervisors of the area (``REGISTRY_DECIDER_ROLES``), who keep the regency's
    DTKS data (Permensos 3/2021: verification and validation by the social office)."""
    return covers(user, region_code, REGISTRY_DECIDER_ROLES)


def duplicate_pairs_visible_to(user: Viewer) -> QuerySet[DuplicatePair]:
    """The pairs whose two people both live in ``user``'s registry areas now (a pair's
    ``region``, where it was found, narrows the search first), with both people, their
    villages and family cards (one query); none for anyone else."""
    areas = areas_of(user, REGISTRY_DECIDER_ROLES)
    return DuplicatePair.objects.filter(
        Region.within_any_q(areas),
        Region.within_any_q(areas, "person_a__region"),
        Region.within_any_q(areas, "person_b__region"),
    ).select_related(
        "region",
        "person_a__region",
        "person_a__family",
        "person_b__region",
        "person_b__family",
    )


def open_pairs_in(user: Viewer, area_code: str = "") -> QuerySet[DuplicatePair]:
    """The open pairs of the user's areas, within ``area_code`` when given, most alike
    first (the worklist, ``/data-ganda/``)."""
    pairs = duplicate_pairs_visible_to(user).filter(status=DuplicateStatus.OPEN)
    if area_code:
        pairs = pairs.filter(Region.within_q(area_code))
    return pairs.order_by("-score", "pk")


def village_duplicates(village_code: str) -> list[tuple[int, DuplicateCandidate]]:
    """Every pair of the village's live records (tombstones excluded) that the candidate
    rules find, as ``(lower id, candidate with the higher id)``; two passes in memory over
    one query: people sharing a birth date, then names compared where a birth date or a NIK
    is missing on either side."""
    rows = list(
        Person.objects.filter(region=village_code, merged_into__isnull=True).values_list(
            "pk", "search_name", "birth_date", "nik_index"
        )
    )
    found: dict[tuple[int, int], DuplicateCandidate] = {}
    by_birth_date: dict[object, list[tuple[int, str]]] = {}
    for pk, key, birth_date, _nik in rows:
        if birth_date is not None:
            by_birth_date.setdefault(birth_date, []).append((pk, key))
    for same_day in by_birth_date.values():
        for i, (pk, key) in enumerate(same_day):
            for other_pk, other_key in same_day[i + 1 :]:
                score = key_similarity(key, other_key)
                if score >= SIMILAR_NAMES:
                    low, high = sorted((pk, other_pk))
                    found[low, high] = DuplicateCandidate(
                        high, round(score), DuplicateReason.SAME_BIRTH_DATE
                    )
    names = {pk: key for pk, key, _b, _n in rows}
    loose = [pk for pk, _k, birth_date, nik in rows if birth_date is None or nik is None]
    for pk in loose:
        if not names[pk]:
            continue
        for _name, score, other_pk in process.extract(
            names[pk], names, scorer=fuzz.token_sort_ratio, score_cutoff=CLOSE_NAMES, limit=None
        ):
            if other_pk == pk:
                continue
            low, high = sorted((pk, other_pk))
            found.setdefault(
                (low, high), DuplicateCandidate(high, round(score), DuplicateReason.CLOSE_NAME)
            )
    return [(low, candidate) for (low, _high), candidate in sorted(found.items())]
