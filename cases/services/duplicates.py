"""Duplicate records kept for the back office to decide (issue 14): pairs found at intake,
by an import or by the village scan, each marked "not the same" or merged.

SLRT/DTKS practice (Permensos 3/2021, verification and validation by the regency's social
office): one person, one record; national audits found a million duplicate NIKs and
millions of records without a valid NIK (``domain.md`` section 3).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from agencies.models import Region
from cases.duplicates import (
    DuplicateCandidate,
    duplicate_pairs_visible_to,
    may_decide_duplicates,
    village_duplicates,
)
from cases.history import changed_by
from cases.limits import REASON
from cases.models import DuplicatePair, DuplicateStatus, Person
from cases.services.inputs import FieldErrors
from core.errors import Conflict, IntakeError, NotAllowed
from core.types import Actor


def record_duplicate_pairs(person: Person, candidates: Iterable[DuplicateCandidate]) -> int:
    """Keep each of ``candidates`` with ``person`` as an open pair for the regency's
    worklist, unless the pair is already known (open, marked "not the same" or merged: a
    decided pair is not asked again). Returns how many pairs are new. Candidates are people
    of ``person``'s village (``cases.duplicates.duplicate_candidates``)."""
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


def scan_duplicates(area_code: str) -> int:
    """Look for duplicate records among the people already registered in ``area_code`` (a
    regency, district or village code), village by village, and keep each pair found as an
    open pair unless it is already known; returns how many are new. Run by
    ``manage.py find_duplicates`` (after a first import, or nightly): intake and imports
    record the pairs of the people they add themselves."""
    villages = (
        Person.objects.filter(Region.within_q(area_code), merged_into__isnull=True)
        .order_by()
        .values_list("region_id", flat=True)
        .distinct()
    )
    created = 0
    for village in villages:
        found = village_duplicates(village)
        known = set(
            DuplicatePair.objects.filter(
                Q(region=village) | Q(person_a__region=village) | Q(person_b__region=village)
            ).values_list("person_a", "person_b")
        )
        new = [
            DuplicatePair(
                person_a_id=low,
                person_b_id=candidate.person_id,
                region_id=village,
                score=candidate.score,
                reason=candidate.reason,
            )
            for low, candidate in found
            if (low, candidate.person_id) not in known
        ]
        bulk_create_with_history(new, DuplicatePair, batch_size=500, ignore_conflicts=True)
        created += len(new)
    return created


def mark_not_same(
    *, actor: Actor, pair_id: int, reason: str, records: tuple[int, int] | None = None
) -> DuplicatePair:
    """Record that the two records of an open pair are two people (the back office looked:
    different parents, a different house); the pair is not asked again. The history row
    names who and why.

    Raises ``DuplicatePair.DoesNotExist`` for a pair outside the actor's registry areas (as
    for none), ``NotAllowed`` (403) when either person now lives outside them,
    ``IntakeError`` (400, ``decision_reason``) without a reason, and ``Conflict`` (409) for
    a pair already decided or no longer of the ``records`` shown (:func:`locked_open_pair`)."""
    errors = FieldErrors()
    if not reason.strip():
        errors.add("decision_reason", _("Alasan wajib diisi."))
    elif len(reason.strip()) > REASON:
        errors.add("decision_reason", _("Alasan paling panjang %(n)d karakter.") % {"n": REASON})
    with transaction.atomic():
        pair, _people = locked_open_pair(actor, pair_id, records=records)
        if errors.by_field:
            raise IntakeError(field_errors=errors.by_field)
        pair.status = DuplicateStatus.NOT_SAME
        pair.decided_by = actor
        pair.decided_at = timezone.now()
        pair.decision_reason = reason.strip()
        changed_by(pair, actor, reason=reason.strip())
        pair.save()
    return pair


def locked_open_pair(
    actor: Actor, pair_id: int, *, records: tuple[int, int] | None = None
) -> tuple[DuplicatePair, dict[int, Person]]:
    """The open pair and its two people, locked, once the actor may decide it (see
    :func:`mark_not_same`); ``records``, the two people's ids the officer was shown, must
    still be the pair's (another merge re-points a pair to the record it kept).

    Lock order, the same for every decision: the two people (by id), then the pair, so two
    merges of overlapping pairs wait for each other instead of deadlocking."""
    pair = duplicate_pairs_visible_to(actor).filter(pk=pair_id).first()
    if pair is None:
        raise DuplicatePair.DoesNotExist
    ids = (pair.person_a_id, pair.person_b_id)
    people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicateStatus.OPEN:
        raise Conflict(_("Pasangan data ini sudah diputuskan."))
    now = (pair.person_a_id, pair.person_b_id)
    if now != ids or (records is not None and tuple(sorted(records)) != now):
        raise Conflict(
            _("Pasangan data ini baru saja berubah karena penggabungan lain. Muat ulang halaman.")
        )
    if not all(may_decide_duplicates(actor, person.region_id) for person in people.values()):
        raise NotAllowed(_("Salah satu data ini tinggal di luar wilayah kerja Anda."))
    return pair, people


def follow_person(person: Person) -> None:
    """After ``person`` changed village (a move accepted, a correction): their open pairs
    follow them when the other record lives in the same village, and are dropped when not
    (the rules pair people of one village; a later scan finds them again if that changes).
    Call inside the writing transaction."""
    pairs = DuplicatePair.objects.filter(
        Q(person_a=person) | Q(person_b=person), status=DuplicateStatus.OPEN
    ).select_related("person_a", "person_b")
    for pair in pairs:
        other = pair.person_b if pair.person_a_id == person.pk else pair.person_a
        if other.region_id == person.region_id:
            if pair.region_id != person.region_id:
                pair.region_id = person.region_id
                pair.save(update_fields=["region"])
        else:
            pair.delete()
