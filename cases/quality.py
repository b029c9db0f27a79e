"""What the registry of an area is missing (issue 14, data quality at a glance): people
without a valid NIK, open duplicate pairs, family cards never checked against DTKS/DTSEN or
not checked for a year. Each is one queryset, counted by ``web.data_quality`` and listed
behind its number, so the number and its list never disagree.

Merged records (``Person.merged_into``, life status "merged") are tombstones of a record
kept elsewhere: they are never counted, nor is a pair one of them belongs to.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import DuplicatePair, DuplicateStatus, Person, RegistryStatus, Relationship


def registry_people() -> QuerySet[Person]:
    """Every record of a living registry: all but the tombstones of merged duplicates."""
    return Person.objects.filter(merged_into__isnull=True)


def people_without_nik() -> QuerySet[Person]:
    """People registered without a NIK (their record gives the reason instead). A stored
    NIK is always a valid one: the registry refuses any other (``cases.nik.validate_nik``)."""
    return registry_people().filter(nik_index__isnull=True)


def open_duplicate_pairs() -> QuerySet[DuplicatePair]:
    """Pairs still waiting for the back office's decision, neither record a tombstone.
    ``DuplicatePair.region`` is the village of the pair."""
    return DuplicatePair.objects.filter(
        status=DuplicateStatus.OPEN,
        person_a__merged_into__isnull=True,
        person_b__merged_into__isnull=True,
    )


def family_homes() -> QuerySet[Person]:
    """One record per family card: the member whose village the family belongs to.

    A family has no region of its own; it belongs to the village of its head (relationship
    "Kepala keluarga"; the first recorded if a card wrongly names two). A card that names no
    head belongs to the village of its first registered member (lowest id), so no family is
    left out of the counts. Tombstones are never members.
    """
    members = registry_people().filter(family=OuterRef("family"))
    heads = members.filter(relationship=Relationship.HEAD)
    first_head = Q(relationship=Relationship.HEAD) & ~Exists(heads.filter(pk__lt=OuterRef("pk")))
    first_member = (
        ~Q(relationship=Relationship.HEAD)
        & ~Exists(heads)
        & ~Exists(members.filter(pk__lt=OuterRef("pk")))
    )
    return registry_people().filter(family__isnull=False).filter(first_head | first_member)


def check_expiry(today: dt.date) -> dt.date:
    """A DTKS/DTSEN check dated before this day is more than a year old."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def never_checked_q(prefix: str = "family__") -> Q:
    """Family cards never checked against DTKS/DTSEN: status "not checked", or no date."""
    return Q(**{f"{prefix}registry_status": RegistryStatus.UNKNOWN}) | Q(
        **{f"{prefix}registry_as_of__isnull": True}
    )


def checked_long_ago_q(today: dt.date, prefix: str = "family__") -> Q:
    """Family cards checked, but more than a year before ``today`` (never with
    ``never_checked_q``: a card is in one list or the other)."""
    return ~never_checked_q(prefix) & Q(**{f"{prefix}registry_as_of__lt": check_expiry(today)})


def families_never_checked() -> QuerySet[Person]:
    """``family_homes`` of the cards never checked against DTKS/DTSEN."""
    return family_homes().filter(never_checked_q())


def families_checked_long_ago(today: dt.date) -> QuerySet[Person]:
    """``family_homes`` of the cards last checked more than a year ago."""
    return family_homes().filter(checked_long_ago_q(today))
