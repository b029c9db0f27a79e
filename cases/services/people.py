"""People and families in the registry: found or created by NIK and KK, with history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Region, RegionLevel
from cases import duplicates, selectors
from cases.history import changed_by
from cases.models import (
    Family,
    Person,
    Relationship,
    Sex,
    rt_rw_validator,
)
from cases.nik import (
    nik_warnings,
    normalize_number,
    validate_kk_number,
    validate_nik,
    validate_phone,
)
from cases.services.duplicates import record_duplicate_pairs
from cases.services.inputs import FieldErrors, PersonInput, ResolvedPerson
from core.errors import IntakeConflict, IntakeError
from core.types import Actor


def resolve_person(
    data: PersonInput, prefix: str, errors: FieldErrors, *, actor: Actor
) -> ResolvedPerson:
    """Validate one person's input and find whether they are already registered: the record
    picked (``existing_person_id``) or found by NIK, else the checked data of a new person
    with the registered people who look like them (``likely_duplicates``).

    Scope comes first: a registered person the actor may not pick (``may_pick_person``:
    living outside their area and on none of their team's cases) is answered exactly as
    the NIK lookup answers ("registered outside your area"), with no name, village or
    life status, and nothing is linked. Such a person is served where they live, or after
    a move request (``cases.moves``) brings them into the actor's area.
    """
    if data.existing_person_id is not None:
        person = Person.objects.filter(pk=data.existing_person_id).first()
        if person is not None:
            person = selectors.live_person(person)
        if person is None or not selectors.may_pick_person(actor, person):
            errors.add(f"{prefix}.existing_person_id", _("Data penduduk tidak ditemukan."))
            return ResolvedPerson(None, data, None, [])
        return ResolvedPerson(person, data, person.region, [])

    data.nik = normalize_number(data.nik)
    warnings: list[str] = []
    if data.nik:
        registered, warnings = _registered_by_nik(data, prefix, errors, actor=actor)
        if registered is not None:
            return registered
    elif not data.no_nik_reason.strip():
        errors.add(
            f"{prefix}.nik",
            _("NIK wajib diisi. Bila belum memiliki NIK, isi alasan tanpa NIK."),
        )
    _check_new_person(data, prefix, errors)
    region = _home_village(data, prefix, errors, actor=actor)
    duplicates = (
        selectors.likely_duplicates(
            full_name=data.full_name,
            birth_date=data.birth_date,
            region=region,
            has_nik=bool(data.nik),
            exclude_nik=data.nik,
        )
        if region is not None and data.full_name.strip()
        else []
    )
    warnings += [_likely_duplicate_warning(candidate) for candidate in duplicates]
    return ResolvedPerson(None, data, region, warnings, likely_duplicates=duplicates)


def _registered_by_nik(
    data: PersonInput, prefix: str, errors: FieldErrors, *, actor: Actor
) -> tuple[ResolvedPerson | None, list[str]]:
    """The person a typed NIK links to, or None for a new (or invalid) NIK, with the
    warnings the NIK itself raises (its encoded birth date or sex disagrees)."""
    try:
        validate_nik(data.nik)
    except ValidationError as exc:
        errors.add_validation(f"{prefix}.nik", exc)
        return None, []
    person = selectors.person_by_nik(data.nik)
    if person is not None and not selectors.may_pick_person(actor, person):
        errors.add(f"{prefix}.nik", str(selectors.REGISTERED_ELSEWHERE))
        return ResolvedPerson(None, data, None, []), []
    if person is None:
        return None, nik_warnings(data.nik, birth_date=data.birth_date, sex=data.sex or None)
    # Exact NIK match: link to the registered person, never create a second one.
    warnings = []
    if data.full_name and selectors.names_differ(person.full_name, data.full_name):
        warnings.append(
            _(
                "NIK sudah terdaftar atas nama %(name)s; kasus dikaitkan ke data "
                "tersebut. Ubah data penduduk bila nama perlu diperbaiki."
            )
            % {"name": person.full_name}
        )
    return ResolvedPerson(person, data, person.region, warnings), []


def _check_new_person(data: PersonInput, prefix: str, errors: FieldErrors) -> None:
    """The fields a new person's record needs: name, sex, a birth date not in the future,
    a valid phone, a known relationship, RT/RW as three digits."""
    if not data.full_name.strip():
        errors.add(f"{prefix}.full_name", _("Nama lengkap wajib diisi."))
    if data.sex not in Sex.values:
        errors.add(f"{prefix}.sex", _("Jenis kelamin wajib dipilih: laki-laki atau perempuan."))
    if data.birth_date and data.birth_date > timezone.localdate():
        errors.add(f"{prefix}.birth_date", _("Tanggal lahir tidak boleh di masa depan."))
    try:
        validate_phone(data.phone)
    except ValidationError as exc:
        errors.add_validation(f"{prefix}.phone", exc)
    if data.relationship and data.relationship not in Relationship.values:
        errors.add(f"{prefix}.relationship", _("Hubungan dalam KK tidak dikenal."))
    for part in ("rt", "rw"):
        value = getattr(data, part).strip()
        if value:
            try:
                rt_rw_validator(value)
            except ValidationError as exc:
                errors.add_validation(f"{prefix}.address.{part}", exc)


def _home_village(
    data: PersonInput, prefix: str, errors: FieldErrors, *, actor: Actor
) -> Region | None:
    """The village a new person lives in, if it is a known village in the actor's area."""
    field = f"{prefix}.address.region_code"
    if not data.region_code.strip():
        errors.add(field, _("Desa/kelurahan wajib diisi."))
        return None
    region = Region.objects.filter(code=data.region_code.strip()).first()
    if region is None:
        errors.add(field, _("Kode wilayah %(code)s tidak dikenal.") % {"code": data.region_code})
    elif region.level != RegionLevel.VILLAGE:
        errors.add(field, _("Alamat harus sampai tingkat desa/kelurahan (kode PP.KK.CC.DDDD)."))
    elif not selectors.may_register_in(actor, region.code):
        errors.add(field, str(selectors.OUTSIDE_YOUR_AREA))
    else:
        return region
    return None


def _likely_duplicate_warning(candidate: Person) -> str:
    # No NIK digits: with the village and birth date they would give the whole NIK away.
    return _(
        "Kemungkinan data ganda: %(name)s, lahir %(date)s, di desa yang sama sudah "
        "terdaftar. Pilih data tersebut bila orangnya sama."
    ) % {
        "name": candidate.full_name,
        "date": date_format(candidate.birth_date, "j M Y") if candidate.birth_date else "-",
    }


# Two desks registered the same new NIK at the same moment and the other one was saved first
# (the unique blind index Person.nik_index decides): 409. A family card registered a moment
# ago is shared (see _new_family) unless it now holds people outside the actor's area: 409.
NIK_JUST_REGISTERED = gettext_lazy(
    "NIK ini baru saja didaftarkan oleh petugas lain. Muat ulang, cari NIK tersebut lalu pilih "
    "data orangnya."
)
KK_JUST_REGISTERED = gettext_lazy(
    "Nomor KK ini baru saja didaftarkan petugas lain untuk keluarga di luar wilayah kerja Anda. "
    "Anggota keluarga yang pindah diajukan lewat pindah domisili."
)


def save_person(resolved: ResolvedPerson, *, actor: Actor) -> Person:
    """Insert the person ``resolved`` describes, or return the known one.

    Raises :class:`IntakeConflict` (409) when another intake registered the same NIK first.
    """
    if resolved.person is not None:
        return resolved.person
    data = resolved.data
    person = Person(
        nik=data.nik or None,
        no_nik_reason="" if data.nik else data.no_nik_reason.strip(),
        full_name=" ".join(data.full_name.split()),
        birth_place=data.birth_place.strip(),
        birth_date=data.birth_date,
        sex=data.sex,
        phone=data.phone.strip(),
        region=resolved.region,
        rt=data.rt.strip(),
        rw=data.rw.strip(),
        street=data.street.strip(),
        relationship=data.relationship,
        created_by=actor,
    )
    changed_by(person, actor)
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the intake usable
            person.save()
    except IntegrityError:
        # Another intake registered this NIK between our lookup and our insert; the unique
        # blind index refused the second person (both databases).
        if person.nik_index and Person.objects.filter(nik_index=person.nik_index).exists():
            message = str(NIK_JUST_REGISTERED)
            raise IntakeConflict(message, field_errors={"nik": [message]}) from None
        raise
    if resolved.likely_duplicates:
        # Registered as someone new although they look like registered people (the officer
        # confirmed): the pairs go on the regency's worklist for the back office to decide.
        record_duplicate_pairs(
            person,
            duplicates.duplicate_candidates(
                full_name=person.full_name,
                birth_date=person.birth_date,
                region=person.region_id,
                has_nik=bool(person.nik),
                exclude_id=person.pk,
            ),
        )
    return person


def _new_family(kk_number: str) -> Family:
    """Register the family card ``kk_number``; when another intake registered it a moment ago
    (the unique ``kk_index`` refused ours), that family: people filed on one card at two desks
    at once share it, on PostgreSQL as on SQLite (where the second intake waits its turn)."""
    family = Family(kk_number=kk_number)
    try:
        with transaction.atomic():  # a savepoint, as for a person's NIK
            family.save()
    except IntegrityError:
        registered = Family.objects.by_kk_number(kk_number).first()
        if registered is None:
            raise
        return registered
    return family


def attach_family(
    person: Person, kk_number: str, *, actor: Actor, relationship: str = "", reason: str = ""
) -> list[str]:
    """File ``person`` on the family card ``kk_number`` (created if new); one KK at a time.
    ``reason`` goes on the history row the move writes."""
    warnings: list[str] = []
    family = Family.objects.by_kk_number(kk_number).first() or _new_family(kk_number)
    if not selectors.may_use_family(actor, family):
        # Registered in another area since the intake's own check (clean_kk_number).
        message = str(KK_JUST_REGISTERED)
        raise IntakeConflict(message, field_errors={"kk_number": [message]})
    if person.family_id == family.pk and (not relationship or person.relationship == relationship):
        return warnings
    if person.family_id not in (None, family.pk):
        warnings.append(
            _("%(name)s dipindahkan dari KK lama ke KK yang diisi (satu orang satu KK).")
            % {"name": person.full_name}
        )
        left = Person.objects.filter(family=person.family_id).exclude(pk=person.pk)
        if person.relationship == Relationship.HEAD and left.exists():
            warnings.append(_("KK lama kini tanpa kepala keluarga; perbarui hubungan anggotanya."))
    if relationship == Relationship.HEAD:
        head = Person.objects.filter(family=family, relationship=Relationship.HEAD).exclude(
            pk=person.pk
        )
        if head.exists():
            warnings.append(
                _("KK ini sudah punya kepala keluarga lain; periksa hubungan dalam KK.")
            )
    person.family = family
    if relationship:
        person.relationship = relationship
    changed_by(person, actor, reason=reason)
    person.save(update_fields=["family", "relationship", "search_name"])
    return warnings


def clean_kk_number(
    kk_number: str, errors: FieldErrors, *, actor: Actor, field_name: str = "kk_number"
) -> str:
    """The normalised No. KK, checked (16 ASCII digits) and in scope: a family card whose
    members live outside the actor's area is answered like a NIK registered elsewhere, so
    typing a KK number cannot pull a family of another area onto the actor's pages."""
    kk_number = normalize_number(kk_number)
    if kk_number:
        try:
            validate_kk_number(kk_number)
        except ValidationError as exc:
            errors.add_validation(field_name, exc)
            return kk_number
        family = Family.objects.by_kk_number(kk_number).first()
        if family is not None and not selectors.may_use_family(actor, family):
            errors.add(field_name, str(selectors.KK_REGISTERED_ELSEWHERE))
    return kk_number


ALREADY_REGISTERED = gettext_lazy(
    "NIK ini sudah terdaftar. Untuk memasukkan orang tersebut ke KK ini, buka halaman "
    "penduduknya lalu ubah kartu keluarganya (dengan alasan)."
)


def register_person(
    *, actor: Actor, data: PersonInput, kk_number: str = "", only_new: bool = False
) -> tuple[Person, list[str]]:
    """Register one person (or find them by NIK) and file them on a family card.

    Used for family members who are not themselves applicant or beneficiary of a case.
    With ``only_new`` (a form for people not yet registered, such as the person page's
    "add a family member") a NIK already registered is refused on ``nik`` instead: a
    registered person changes family card through ``assign_family``, with a reason.
    """
    errors = FieldErrors()
    resolved = resolve_person(data, "", errors, actor=actor)
    if only_new and resolved.person is not None:
        errors.add("nik", str(ALREADY_REGISTERED))
    kk_number = clean_kk_number(kk_number, errors, actor=actor)
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        person = save_person(resolved, actor=actor)
        warnings = list(resolved.warnings)
        if kk_number:
            warnings += attach_family(
                person, kk_number, actor=actor, relationship=data.relationship
            )
    return person, warnings


def assign_family(
    *, actor: Actor, person: Person, kk_number: str, relationship: str = "", reason: str = ""
) -> list[str]:
    """Move ``person`` onto the family card ``kk_number`` with their relationship to the head.

    The person and the card must both be in the actor's scope (``Person.DoesNotExist`` for
    a person they may not pick, as for one that does not exist).
    """
    if not selectors.may_pick_person(actor, person):
        raise Person.DoesNotExist
    errors = FieldErrors()
    kk_number = clean_kk_number(kk_number, errors, actor=actor)
    if not kk_number:
        errors.add("kk_number", _("Nomor KK wajib diisi."))
    if relationship and relationship not in Relationship.values:
        errors.add("relationship", _("Hubungan dalam KK tidak dikenal."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        return attach_family(
            person, kk_number, actor=actor, relationship=relationship, reason=reason.strip()
        )
