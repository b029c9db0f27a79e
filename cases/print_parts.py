"""What the case printouts say the same way: a person with their NIK masked, an address as
a letter writes it, the head of a household. Printouts leave the office, so a NIK is never
printed whole here (the referral letter, which must carry it, says so itself)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Person, Relationship


def person_line(person: Person) -> str:
    """``Budi Santoso (NIK 190401••••••0001)``."""
    return f"{person.full_name} (NIK {person.masked_nik or '-'})"


def address(person: Person) -> str:
    """Street, RT/RW, village, district and regency (the region's parents loaded)."""
    village = person.region
    parts = [person.street.strip()] if person.street.strip() else []
    if person.rt or person.rw:
        parts.append(f"RT {person.rt or '-'}/RW {person.rw or '-'}")
    parts.append(village.name)
    if village.parent:
        parts.append(_("Kec. %(name)s") % {"name": village.parent.name})
        if village.parent.parent:
            parts.append(village.parent.parent.name)
    return ", ".join(parts)


def household_head(household: list[Person]) -> Person | None:
    """The member recorded as head of the family card (kepala keluarga), if any."""
    return next((p for p in household if p.relationship == Relationship.HEAD), None)
