"""Keeping the registry true by hand: an officer corrects a person's data with a reason,
records what became of them (life events) and the family's DTKS/DTSEN check (issue 14;
Permensos 3/2021 on DTKS upkeep: the data are verified and corrected by the regency's
social office and the village)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Region, RegionLevel
from cases import selectors
from cases.history import changed_by
from cases.limits import EARLIEST_BIRTH_DATE, REASON
from cases.models import Family, LifeStatus, Person, RegistryStatus, Sex
from cases.names import clean_name
from cases.services.duplicates import follow_person
from cases.services.inputs import FieldErrors
from core.errors import IntakeError, NotAllowed
from core.types import Actor

# The fields a correction may change (the NIK is not among them: it is checked against the
# civil registry, not corrected by hand).
CORRECTABLE = ("full_name", "birth_place", "birth_date", "sex", "phone", "rt", "rw", "street")


@dataclass
class PersonCorrection:
    """A person's corrected data, as typed. ``region_code`` is the village's code."""

    full_name: str
    birth_place: str
    birth_date: dt.date | None
    sex: str
    phone: str
    region_code: str
    rt: str
    rw: str
    street: str


def may_correct_person(actor: Actor, person: Person) -> bool:
    """Who may correct a person: the officers who register people where they live (intake,
    back office, supervisor of the area, ``cases.selectors.may_register_in``). A merged
    record (a tombstone) is corrected by no one: its survivor is."""
    return person.merged_into_id is None and selectors.may_register_in(actor, person.region_id)


def correct_person(
    *, actor: Actor, person_id: int, correction: PersonCorrection, reason: str
) -> Person:
    """Correct a registered person's identity and address, with a reason kept in the
    history row the change writes (who, when, which fields, why; shown on the timeline of
    the person's cases).

    Raises ``Person.DoesNotExist`` for a person the actor may not see (as for none),
    ``NotAllowed`` (403) for one they see but may not correct, ``IntakeError`` (400) keyed
    by field: a required field empty, a value the registry refuses (birth date, phone,
    RT/RW), a village outside the actor's area, no reason, or nothing changed.
    """
    person = selectors.people_visible_to(actor).filter(pk=person_id).first()
    if person is None:
        raise Person.DoesNotExist
    if not may_correct_person(actor, person):
        raise NotAllowed(_("Hanya petugas wilayah penduduk ini yang dapat memperbaiki datanya."))
    errors = FieldErrors()
    if not reason.strip():
        errors.add("reason", _("Alasan perbaikan wajib diisi."))
    elif len(reason.strip()) > REASON:
        errors.add("reason", _("Alasan paling panjang %(n)d karakter.") % {"n": REASON})
    values = _checked_values(actor, correction, errors)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        changed = [name for name, value in values.items() if getattr(person, name) != value]
        if not changed and not errors.by_field:
            errors.add("reason", _("Tidak ada data yang berubah."))
        for name in changed:
            setattr(person, name, values[name])
        try:
            person.full_clean(exclude=["nik", "family", "relationship", "search_name"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    errors.add(name, message)
        if errors.by_field:
            raise IntakeError(field_errors=errors.by_field)
        changed_by(person, actor, reason=reason.strip())
        person.save()
        if "region_id" in changed:
            follow_person(person)
    return person


def _checked_values(actor: Actor, correction: PersonCorrection, errors: FieldErrors) -> dict:
    """The model values of ``correction``; what is missing or out of the actor's area goes
    to ``errors``."""
    values = {name: getattr(correction, name) for name in CORRECTABLE}
    for name in ("full_name", "birth_place", "phone", "rt", "rw", "street"):
        values[name] = (values[name] or "").strip()
    values["full_name"] = clean_name(values["full_name"])
    if not values["full_name"]:
        errors.add("full_name", _("Nama lengkap wajib diisi."))
    if values["sex"] not in Sex.values:
        errors.add("sex", _("Pilih jenis kelamin."))
    region = Region.objects.filter(code=correction.region_code, level=RegionLevel.VILLAGE).first()
    if region is None:
        errors.add("region", _("Pilih desa/kelurahan."))
    elif not selectors.may_register_in(actor, region.code):
        errors.add("region", str(selectors.OUTSIDE_YOUR_AREA))
    else:
        values["region_id"] = region.code
    return values


def record_life_event(
    *, actor: Actor, person_id: int, status: str, on: dt.date | None, source: str
) -> Person:
    """Record what became of a person (deceased, moved, not found at the address, no longer
    eligible) or that they are active again: the person is never deleted, only their
    status changes, with the date and the source (civil registry, village, home visit) in
    the history row. Their open cases and pending referrals are then flagged for
    validation (``cases.selectors.needs_validation``).

    Raises ``Person.DoesNotExist`` (not seen), ``NotAllowed`` (403, not theirs to
    correct), ``IntakeError`` (400) keyed by field: an unknown status, no date for a death,
    a date in the future or before the birth, no source.
    """
    person = selectors.people_visible_to(actor).filter(pk=person_id).first()
    if person is None:
        raise Person.DoesNotExist
    if not may_correct_person(actor, person):
        raise NotAllowed(_("Hanya petugas wilayah penduduk ini yang dapat memperbaiki datanya."))
    errors = FieldErrors()
    if status not in LifeStatus.values or status == LifeStatus.MERGED:
        errors.add("life_status", _("Status tidak dikenal."))
    if status == LifeStatus.DECEASED and on is None:
        errors.add("life_status_date", _("Tanggal meninggal wajib diisi."))
    if on is not None and on > timezone.localdate():
        errors.add("life_status_date", _("Tanggal tidak boleh di masa depan."))
    if on is not None and on < EARLIEST_BIRTH_DATE:
        errors.add("life_status_date", _("Tanggal tidak boleh sebelum tahun 1900."))
    elif on is not None and person.birth_date and on < person.birth_date:
        errors.add("life_status_date", _("Tanggal tidak boleh sebelum tanggal lahir."))
    if not source.strip():
        errors.add("life_status_source", _("Sumber keterangan wajib diisi."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        person.life_status = status
        person.life_status_date = on
        person.life_status_source = source.strip()[:150]
        changed_by(person, actor, reason=source.strip())
        person.save()
    return person


# The unified database (Basis Data Terpadu, now DTKS/DTSEN) dates from the 2011 PPLS.
REGISTRY_FIRST_DAY = dt.date(2011, 1, 1)


def record_registry_status(
    *,
    actor: Actor,
    family: Family,
    status: str,
    decile: int | None,
    as_of: dt.date,
    source: str,
) -> Family:
    """Store the family's DTKS/DTSEN status and welfare decile as checked on ``as_of``
    (cek DTKS/DTSEN), with where it was checked (``source``); the history row names who.
    Every case of the family shows it (``referrals.selectors.current_registry_findings``).

    Raises ``NotAllowed`` (403) when the family has members outside the actor's area
    (``cases.selectors.may_use_family``), ``IntakeError`` (400) keyed by field for an
    unknown status, a decile outside 1-10 or given without DTKS/DTSEN, a date in the
    future, or no source."""
    if not selectors.may_use_family(actor, family):
        raise NotAllowed(_("Keluarga ini di luar wilayah kerja Anda."))
    errors = FieldErrors()
    if as_of > timezone.localdate():
        errors.add("registry_as_of", _("Tanggal cek tidak boleh di masa depan."))
    elif as_of < REGISTRY_FIRST_DAY:
        errors.add("registry_as_of", _("Tanggal cek tidak boleh sebelum DTKS ada (2011)."))
    if status not in RegistryStatus.values:
        errors.add("registry_status", _("Status DTKS/DTSEN tidak dikenal."))
    if decile is not None and not 1 <= decile <= 10:
        errors.add("decile", _("Desil harus 1 sampai 10."))
    if decile is not None and status != RegistryStatus.IN_DTSEN:
        errors.add("decile", _("Desil hanya diisi untuk keluarga yang terdaftar di DTKS/DTSEN."))
    if not source.strip():
        errors.add("registry_source", _("Sumber data wajib diisi."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    family.registry_status = status
    family.decile = decile
    family.registry_as_of = as_of
    family.registry_source = source.strip()
    changed_by(family, actor)
    family.save()
    return family
