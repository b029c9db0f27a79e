"""Writes on the registry and cases: one function per business action, one transaction each.

``open_case`` is the single intake path used by the HTML form, the API and the demo loader.
It validates everything first and raises :class:`core.errors.IntakeError` with messages keyed
by input field (``applicant.nik``, ``ppks_category``, ...) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import DocumentType, PpksCategory, Region, RegionLevel, Service
from core.errors import IntakeConflict, IntakeError, NotAllowed, PreconditionFailed

from . import selectors
from .attachments import KIND_BY_DOCUMENT_TYPE, attachment_errors, save_attachment
from .models import (
    Attachment,
    AttachmentKind,
    Case,
    CaseKind,
    CaseSequence,
    Channel,
    ComplaintTier,
    Family,
    LifeStatus,
    Note,
    NoteKind,
    Person,
    Priority,
    RegistryStatus,
    Relationship,
    Sex,
    rt_rw_validator,
)
from .nik import (
    nik_warnings,
    normalize_number,
    validate_kk_number,
    validate_nik,
    validate_phone,
)


@dataclass
class PersonInput:
    """What the officer typed about one person. ``existing_person_id`` picks a known record."""

    full_name: str = ""
    nik: str = ""
    no_nik_reason: str = ""
    birth_place: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    phone: str = ""
    region_code: str = ""
    rt: str = ""
    rw: str = ""
    street: str = ""
    relationship: str = ""
    existing_person_id: int | None = None


@dataclass
class DocumentInput:
    """One uploaded file: a catalogue document (``document_type`` code) or a plain ``kind``."""

    upload: object
    document_type: str = ""
    kind: str = ""


@dataclass
class IntakeResult:
    case: Case
    warnings: list[str] = field(default_factory=list)


@dataclass
class _ResolvedPerson:
    """A person input after validation: an existing record, or the data of a new one."""

    person: Person | None
    data: PersonInput
    region: Region | None
    warnings: list[str]


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name.lstrip("."), []).append(str(message))

    def add_validation(self, name: str, error: ValidationError) -> None:
        for message in error.messages:
            self.add(name, message)


def _resolve_person(data: PersonInput, prefix: str, errors: _Errors, *, actor) -> _ResolvedPerson:
    """Validate one person's input and find whether they are already registered.

    Scope comes first: a registered person the actor may not pick (``may_pick_person``:
    living outside their area and on none of their team's cases) is answered exactly as
    the NIK lookup answers ("registered outside your area"), with no name, village or
    life status, and nothing is linked. Such a person is served where they live, or after
    a move request (``cases.moves``) brings them into the actor's area.
    """
    warnings: list[str] = []
    if data.existing_person_id is not None:
        person = Person.objects.filter(pk=data.existing_person_id).first()
        if person is None or not selectors.may_pick_person(actor, person):
            errors.add(f"{prefix}.existing_person_id", _("Data penduduk tidak ditemukan."))
            return _ResolvedPerson(None, data, None, warnings)
        return _ResolvedPerson(person, data, person.region, warnings)

    data.nik = normalize_number(data.nik)
    if data.nik:
        try:
            validate_nik(data.nik)
        except ValidationError as exc:
            errors.add_validation(f"{prefix}.nik", exc)
        else:
            person = selectors.person_by_nik(data.nik)
            if person is not None and not selectors.may_pick_person(actor, person):
                errors.add(f"{prefix}.nik", str(selectors.REGISTERED_ELSEWHERE))
                return _ResolvedPerson(None, data, None, warnings)
            if person is not None:
                # Exact NIK match: link to the registered person, never create a second one.
                if data.full_name and selectors.names_differ(person.full_name, data.full_name):
                    warnings.append(
                        _(
                            "NIK sudah terdaftar atas nama %(name)s; kasus dikaitkan ke data "
                            "tersebut. Ubah data penduduk bila nama perlu diperbaiki."
                        )
                        % {"name": person.full_name}
                    )
                return _ResolvedPerson(person, data, person.region, warnings)
            warnings += nik_warnings(data.nik, birth_date=data.birth_date, sex=data.sex or None)
    elif not data.no_nik_reason.strip():
        errors.add(
            f"{prefix}.nik",
            _("NIK wajib diisi. Bila belum memiliki NIK, isi alasan tanpa NIK."),
        )

    if not data.full_name.strip():
        errors.add(f"{prefix}.full_name", _("Nama lengkap wajib diisi."))
    if data.sex not in Sex.values:
        errors.add(f"{prefix}.sex", _("Jenis kelamin wajib dipilih (M atau F)."))
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

    region = None
    if not data.region_code.strip():
        errors.add(f"{prefix}.address.region_code", _("Desa/kelurahan wajib diisi."))
    else:
        region = Region.objects.filter(code=data.region_code.strip()).first()
        if region is None:
            errors.add(
                f"{prefix}.address.region_code",
                _("Kode wilayah %(code)s tidak dikenal.") % {"code": data.region_code},
            )
        elif region.level != RegionLevel.VILLAGE:
            errors.add(
                f"{prefix}.address.region_code",
                _("Alamat harus sampai tingkat desa/kelurahan (kode PP.KK.CC.DDDD)."),
            )
            region = None
        elif not selectors.may_register_in(actor, region.code):
            errors.add(f"{prefix}.address.region_code", str(selectors.OUTSIDE_YOUR_AREA))
            region = None

    if region is not None and data.birth_date and data.full_name.strip():
        for candidate in selectors.likely_duplicates(
            full_name=data.full_name, birth_date=data.birth_date, region=region
        ):
            warnings.append(
                _(
                    "Kemungkinan data ganda: %(name)s, lahir %(date)s, NIK %(nik)s di desa yang "
                    "sama sudah terdaftar. Pilih data tersebut bila orangnya sama."
                )
                % {
                    "name": candidate.full_name,
                    "date": candidate.birth_date.strftime("%d-%m-%Y"),
                    "nik": candidate.masked_nik,
                }
            )
    return _ResolvedPerson(None, data, region, warnings)


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


def _save_person(resolved: _ResolvedPerson, *, actor) -> Person:
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
    person._history_user = actor
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
        family = Family.objects.by_kk_number(kk_number).first()
        if family is None:
            raise
    return family


def _attach_family(person: Person, kk_number: str, *, actor, relationship: str = "") -> list[str]:
    """File ``person`` on the family card ``kk_number`` (created if new); one KK at a time."""
    warnings = []
    family = Family.objects.by_kk_number(kk_number).first() or _new_family(kk_number)
    if not selectors.may_use_family(actor, family):
        # Registered in another area since the intake's own check (_clean_kk_number).
        message = str(KK_JUST_REGISTERED)
        raise IntakeConflict(message, field_errors={"kk_number": [message]})
    if person.family_id == family.pk and (not relationship or person.relationship == relationship):
        return warnings
    if person.family_id not in (None, family.pk):
        warnings.append(
            _("%(name)s dipindahkan dari KK lama ke KK yang diisi (satu orang satu KK).")
            % {"name": person.full_name}
        )
    person.family = family
    if relationship:
        person.relationship = relationship
    person._history_user = actor
    person.save(update_fields=["family", "relationship", "search_name"])
    return warnings


def _check_documents(documents: list[DocumentInput], errors: _Errors) -> list[tuple]:
    """Validate uploads; returns (document type or None, kind, upload) for each one."""
    codes = {d.document_type for d in documents if d.document_type}
    types = {t.code: t for t in DocumentType.objects.filter(code__in=codes)}
    checked = []
    for document in documents:
        name = f"documents.{document.document_type}" if document.document_type else "documents"
        doc_type = types.get(document.document_type)
        if document.document_type and doc_type is None:
            errors.add(
                name, _("Jenis dokumen %(code)s tidak dikenal.") % {"code": document.document_type}
            )
            continue
        kind = document.kind or KIND_BY_DOCUMENT_TYPE.get(
            document.document_type, AttachmentKind.OTHER
        )
        if kind not in AttachmentKind.values:
            errors.add("kind", _("Jenis lampiran tidak dikenal."))
            continue
        for problem in attachment_errors(document.upload):
            errors.add(name, problem)
        checked.append((doc_type, kind, document.upload))
    return checked


def _save_documents(case: Case, checked: list[tuple], *, actor) -> list[Attachment]:
    return [
        save_attachment(
            actor=actor, case_id=case.pk, upload=upload, kind=kind, document_type=doc_type
        )
        for doc_type, kind, upload in checked
    ]


def add_documents(*, actor, case: Case, documents: list[DocumentInput]) -> list[Attachment]:
    """Attach documents to a case (kelengkapan berkas). Only the case team may add them."""
    if not selectors.sees_whole_case(actor, case):
        raise NotAllowed(_("Hanya tim kasus yang dapat menambah lampiran."))
    errors = _Errors()
    if not documents:
        errors.add("documents", _("Pilih minimal satu berkas."))
    checked = _check_documents(documents, errors)
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        return _save_documents(case, checked, actor=actor)


def add_note(*, actor, case: Case, text: str) -> Note:
    """A free note on the case (catatan), for the case team."""
    if not selectors.sees_whole_case(actor, case):
        raise NotAllowed(_("Hanya tim kasus yang dapat menambah catatan."))
    if not (text or "").strip():
        raise IntakeError(field_errors={"text": [_("Isi catatan wajib diisi.")]})
    with transaction.atomic():
        note = Note(case=case, kind=NoteKind.NOTE, text=text.strip(), author=actor)
        note._history_user = actor
        note.save()
    return note


def _missing_documents_warning(services: list[Service], checked: list[tuple]) -> list[str]:
    """The intake warning for required documents of ``services`` not among the uploads."""
    attached = {doc_type.pk for doc_type, _kind, _upload in checked if doc_type}
    missing = {
        doc.pk: doc
        for service in services
        for doc in service.required_documents.all()
        if doc.pk not in attached
    }
    if not missing:
        return []
    names = ", ".join(sorted(doc.name for doc in missing.values()))
    return [_("Berkas persyaratan belum lengkap: %(names)s.") % {"names": names}]


def _clean_kk_number(
    kk_number: str, errors: _Errors, *, actor, field_name: str = "kk_number"
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


def register_person(*, actor, data: PersonInput, kk_number: str = "") -> tuple[Person, list[str]]:
    """Register one person (or find them by NIK) and file them on a family card.

    Used for family members who are not themselves applicant or beneficiary of a case.
    """
    errors = _Errors()
    resolved = _resolve_person(data, "", errors, actor=actor)
    kk_number = _clean_kk_number(kk_number, errors, actor=actor)
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        person = _save_person(resolved, actor=actor)
        warnings = list(resolved.warnings)
        if kk_number:
            warnings += _attach_family(
                person, kk_number, actor=actor, relationship=data.relationship
            )
    return person, warnings


def assign_family(*, actor, person: Person, kk_number: str, relationship: str = "") -> list[str]:
    """Move ``person`` onto the family card ``kk_number`` with their relationship to the head.

    The person and the card must both be in the actor's scope (``Person.DoesNotExist`` for
    a person they may not pick, as for one that does not exist).
    """
    if not selectors.may_pick_person(actor, person):
        raise Person.DoesNotExist
    errors = _Errors()
    kk_number = _clean_kk_number(kk_number, errors, actor=actor)
    if not kk_number:
        errors.add("kk_number", _("Nomor KK wajib diisi."))
    if relationship and relationship not in Relationship.values:
        errors.add("relationship", _("Hubungan dalam KK tidak dikenal."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        return _attach_family(person, kk_number, actor=actor, relationship=relationship)


def _next_case_number(region: Region, when: dt.datetime) -> str:
    prefix = region.code[:5].replace(".", "")
    year = timezone.localtime(when).year
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


def register_case(
    *,
    actor,
    kind: str,
    channel: str,
    ppks_category: str,
    description: str,
    applicant: PersonInput,
    beneficiary: PersonInput | None = None,
    requested_services: list[str] | None = None,
    kk_number: str = "",
    priority: str = Priority.NORMAL,
    complaint_tier: str = ComplaintTier.NORMATIVE,
    deceased_override_reason: str = "",
    opened_at: dt.datetime | None = None,
    documents: list[DocumentInput] | None = None,
) -> IntakeResult:
    """Register a citizen request as a case record (pendaftaran); its workflow is started by
    ``workflows.services.open_case``, which calls this in the same transaction.

    Links to registered people by NIK, creates the rest, files the beneficiary on the given
    family card, and returns warnings the officer should see (NIK mismatch, likely duplicate,
    open cases of the same person). Refuses a deceased person without an override reason.
    """
    errors = _Errors()
    warnings: list[str] = []

    if kind not in CaseKind.values:
        errors.add("kind", _("Jenis kasus tidak dikenal."))
    if channel not in Channel.values:
        errors.add("channel", _("Saluran tidak dikenal."))
    if priority not in Priority.values:
        errors.add("priority", _("Prioritas tidak dikenal."))
    if complaint_tier not in ComplaintTier.values:
        errors.add("complaint_tier", _("Tingkat pengaduan tidak dikenal."))
    if not (description or "").strip():
        errors.add("description", _("Uraian kebutuhan wajib diisi."))
    category = PpksCategory.objects.filter(code=ppks_category, is_active=True).first()
    if category is None:
        errors.add("ppks_category", _("Kategori PPKS wajib dipilih dari daftar."))
    service_codes = list(dict.fromkeys(requested_services or []))
    services = list(
        Service.objects.filter(code__in=service_codes, is_active=True).prefetch_related(
            "required_documents"
        )
    )
    unknown = sorted(set(service_codes) - {s.code for s in services})
    if unknown:
        errors.add(
            "requested_services",
            _("Layanan tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)},
        )
    kk_number = _clean_kk_number(kk_number, errors, actor=actor)
    checked_documents = _check_documents(documents or [], errors)

    resolved_applicant = _resolve_person(applicant, "applicant", errors, actor=actor)
    resolved_beneficiary = (
        _resolve_person(beneficiary, "beneficiary", errors, actor=actor)
        if beneficiary
        else resolved_applicant
    )
    if (
        beneficiary
        and resolved_applicant.person is None
        and resolved_beneficiary.person is None
        and applicant.nik
        and applicant.nik == beneficiary.nik
    ):
        resolved_beneficiary = resolved_applicant

    resolved_people = [resolved_applicant]
    if resolved_beneficiary is not resolved_applicant:
        resolved_people.append(resolved_beneficiary)
    for resolved in resolved_people:
        person = resolved.person
        if person is not None and person.life_status == LifeStatus.DECEASED:
            if not deceased_override_reason.strip():
                errors.add(
                    "deceased_override_reason",
                    _(
                        "%(name)s tercatat meninggal dunia%(date)s. Kasus baru hanya dapat "
                        "dibuka dengan alasan pengecualian."
                    )
                    % {
                        "name": person.full_name,
                        "date": (
                            " " + _("pada %(d)s") % {"d": f"{person.life_status_date:%d-%m-%Y}"}
                            if person.life_status_date
                            else ""
                        ),
                    },
                )
            else:
                warnings.append(
                    _("%(name)s tercatat meninggal dunia; dibuka dengan pengecualian.")
                    % {"name": person.full_name}
                )
    region = resolved_beneficiary.region
    if region is not None and not selectors.may_register_in(actor, region.code):
        field = "beneficiary" if beneficiary else "applicant"
        errors.add(f"{field}.address.region_code", str(selectors.OUTSIDE_YOUR_AREA))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)

    for resolved in resolved_people:
        warnings += resolved.warnings
    warnings += _missing_documents_warning(services, checked_documents)

    opened_at = opened_at or timezone.now()
    with transaction.atomic():
        applicant_person = _save_person(resolved_applicant, actor=actor)
        beneficiary_person = (
            applicant_person
            if resolved_beneficiary is resolved_applicant
            else _save_person(resolved_beneficiary, actor=actor)
        )
        if kk_number:
            warnings += _attach_family(
                beneficiary_person,
                kk_number,
                actor=actor,
                relationship=resolved_beneficiary.data.relationship,
            )
        for other in selectors.open_cases_of(beneficiary_person):
            warnings.append(
                _("%(name)s masih memiliki kasus terbuka %(number)s (tahap %(stage)s).")
                % {
                    "name": beneficiary_person.full_name,
                    "number": other.number,
                    "stage": other.get_stage_display(),
                }
            )
        case = Case(
            number=_next_case_number(beneficiary_person.region, opened_at),
            kind=kind,
            channel=channel,
            ppks_category=category,
            applicant=applicant_person,
            beneficiary=beneficiary_person,
            description=description.strip(),
            region=beneficiary_person.region,
            priority=priority,
            complaint_tier=complaint_tier,
            intake_warnings=warnings,
            deceased_override_reason=deceased_override_reason.strip(),
            opened_by=actor,
            opened_at=opened_at,
        )
        case._history_user = actor
        case.save()
        if services:
            case.requested_services.set(services)
        _save_documents(case, checked_documents, actor=actor)
    return IntakeResult(case=case, warnings=warnings)


def record_registry_status(
    *,
    actor,
    family: Family,
    status: str,
    decile: int | None,
    as_of: dt.date,
    source: str,
) -> Family:
    """Store the family's DTKS/DTSEN status and welfare decile as checked on ``as_of``."""
    errors = _Errors()
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
    family._history_user = actor
    family.save()
    return family


EDITABLE_CASE_FIELDS = {"priority", "description", "complaint_tier"}


def update_case(*, actor, case: Case, changes: dict, expected_etag: str | None = None) -> Case:
    """Edit what may change after intake: priority, description, complaint tier.

    Only the case team may edit; agencies read what their referral needs. ``expected_etag``
    (the API's ``If-Match``) is compared with :func:`cases.selectors.case_etag` of the row as
    locked, so of several edits sent with one ETag exactly one is saved and the others raise
    :class:`PreconditionFailed` (412); bad values raise :class:`IntakeError` (400), keyed by
    field. Returns the saved case.
    """
    if not selectors.sees_whole_case(actor, case):
        raise NotAllowed(_("Hanya tim kasus yang dapat mengubah kasus."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if expected_etag is not None and expected_etag != selectors.case_etag(case):
            raise PreconditionFailed(
                field_errors={
                    "If-Match": [_("Kasus sudah diubah orang lain; muat ulang lalu ulangi.")]
                }
            )
        _check_case_changes(case, changes)
        for name, value in changes.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case._history_user = actor
        case.save(update_fields=list(changes))
    return case


def _check_case_changes(case: Case, changes: dict) -> None:
    """Raise :class:`IntakeError` keyed by field when ``changes`` may not be applied."""
    errors = _Errors()
    unknown = set(changes) - EDITABLE_CASE_FIELDS
    for name in sorted(unknown):
        errors.add(name, _("Kolom ini tidak dapat diubah."))
    if "priority" in changes and changes["priority"] not in Priority.values:
        errors.add("priority", _("Prioritas tidak dikenal."))
    if "complaint_tier" in changes and changes["complaint_tier"] not in ComplaintTier.values:
        errors.add("complaint_tier", _("Tingkat pengaduan tidak dikenal."))
    if "description" in changes and not str(changes["description"] or "").strip():
        errors.add("description", _("Uraian kebutuhan wajib diisi."))
    if case.status == "closed":
        errors.add("status", _("Kasus yang sudah ditutup tidak dapat diubah."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
