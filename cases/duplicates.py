"""Reads on duplicate records (issue 14): who decides them, the pairs a user may see, and the
village scan that finds pairs among people already registered.

The rules for a candidate are ``cases.selectors.duplicate_candidates``'s: the same birth date
and a similar name, or a close name where a birth date or a NIK is missing. The scan applies
the same two rules to every pair of a village at once.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rapidfuzz import fuzz, process

from agencies.models import REGISTRY_DECIDER_ROLES, Region
from agencies.selectors import areas_of, covers
from core.types import Viewer

from .models import DuplicatePair, DuplicateReason, DuplicateStatus, Person
from .names import CLOSE_NAMES, SIMILAR_NAMES, key_similarity
from .selectors import DuplicateCandidate


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
