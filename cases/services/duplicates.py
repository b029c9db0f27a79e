"""Duplicate records kept for the back office to decide (issue 14): pairs found at intake,
by an import or by the village scan, each marked "not the same" or merged.

SLRT/DTKS practice (Permensos 3/2021, verification and validation by the regency's social
office): one person, one record; national audits found a million duplicate NIKs and
millions of records without a valid NIK (``domain.md`` section 3).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from cases.models import DuplicatePair, Person
from cases.selectors import DuplicateCandidate


def record_duplicate_pairs(person: Person, candidates: Iterable[DuplicateCandidate]) -> int:
    """Keep each of ``candidates`` with ``person`` as an open pair for the regency's
    worklist, unless the pair is already known (open, marked "not the same" or merged: a
    decided pair is not asked again). Returns how many pairs are new. Candidates are people
    of ``person``'s village (``cases.selectors.duplicate_candidates``)."""
    created = 0
    for candidate in candidates:
        if candidate.person_id == person.pk:
            continue
        low, high = sorted((person.pk, candidate.person_id))
        try:
            with transaction.atomic():
                _pair, new = DuplicatePair.objects.get_or_create(
                    person_a_id=low,
                    person_b_id=high,
                    defaults={
                        "region_id": person.region_id,
                        "score": candidate.score,
                        "reason": candidate.reason,
                    },
                )
        except IntegrityError:  # found at the same moment by another writer
            new = False
        created += new
    return created
