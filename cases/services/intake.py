"""Registering a citizen request as a case record (pendaftaran)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agencies.models import PpksCategory, Region, Service
from cases import selectors
from cases.history import changed_by
from cases.limits import SUBJECT
from cases.models import (
    Case,
    CaseKind,
    CaseSequence,
    Channel,
    ComplaintTier,
    LifeStatus,
    Person,
    Priority,
)
from cases.services.documents import check_documents, missing_documents_warning, save_documents
from cases.services.inputs import (
    CaseIntake,
    FieldErrors,
    IntakeResult,
    PersonInput,
    ResolvedPerson,
)
from cases.services.people import attach_family, clean_kk_number, resolve_person, save_person
from core.errors import IntakeError
from core.types import Actor


def _next_case_number(region: Region, when: dt.datetime) -> str:
    prefix = region.code[:5].replace(".", "")
    year = timezone.localtime(when).year
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


@dataclass
class CheckedIntake:
    """A case intake that passed validation and the officer's area check, ready to save:
    its catalogue entries, people as resolved (registered or new), the cleaned KK number and
    documents, and the warnings found so far. ``open_case`` asks the officer to confirm a
    likely duplicate or a double aid between checking and saving."""

    intake: CaseIntake
    category: PpksCategory | None
    services: list[Service]
    kk_number: str
    documents: list
    people: _People
    warnings: list[str]


def check_intake(intake: CaseIntake, *, actor: Actor) -> CheckedIntake:
    """Validate and authorise an intake without writing anything.

    Raises ``IntakeError`` (400) with every problem keyed by input field (``kind``,
    ``applicant.nik``, ``beneficiary.address.region_code``, ``documents.<code>`` ...): an
    unknown catalogue code, a bad NIK or KK, a deceased person without an override reason, a
    beneficiary outside the officer's area.
    """
    errors = FieldErrors()
    category, services = _check_case_fields(errors, intake)
    kk_number = clean_kk_number(intake.kk_number, errors, actor=actor)
    documents = check_documents(intake.documents, errors)
    people = _resolve_people(intake.applicant, intake.beneficiary, errors, actor=actor)
    warnings = _check_deceased(people, intake.deceased_override_reason, errors)
    field = "beneficiary" if intake.beneficiary else "applicant"
    _check_area(actor, people, errors, field=field)
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    for resolved in people.distinct:
        warnings += resolved.warnings
    return CheckedIntake(intake, category, services, kk_number, documents, people, warnings)


def save_intake(checked: CheckedIntake, *, actor: Actor) -> IntakeResult:
    """Write a checked intake in one transaction: the people (new ones created), the
    beneficiary's family card, the case with its number, requested services and documents.

    Raises ``IntakeConflict`` (409) when the same new NIK or KK was saved a moment ago at
    another desk; nothing is then written.
    """
    intake, people, warnings = checked.intake, checked.people, list(checked.warnings)
    opened_at = intake.opened_at or timezone.now()
    with transaction.atomic():
        applicant = save_person(people.applicant, actor=actor)
        beneficiary = (
            applicant
            if people.beneficiary is people.applicant
            else save_person(people.beneficiary, actor=actor)
        )
        if checked.kk_number:
            relationship = people.beneficiary.data.relationship
            warnings += attach_family(
                beneficiary, checked.kk_number, actor=actor, relationship=relationship
            )
        warnings += _open_cases_warnings(beneficiary)
        case = Case(
            number=_next_case_number(beneficiary.region, opened_at),
            kind=intake.kind,
            channel=intake.channel,
            ppks_category=checked.category,
            applicant=applicant,
            beneficiary=beneficiary,
            subject=intake.subject.strip(),
            description=intake.description.strip(),
            region=beneficiary.region,
            priority=intake.priority,
            complaint_tier=intake.complaint_tier,
            # What the registry said at intake; missing documents are not kept here: the
            # case page reads them live from the document checklist.
            intake_warnings=warnings,
            deceased_override_reason=intake.deceased_override_reason.strip(),
            opened_by=actor,
            opened_at=opened_at,
        )
        changed_by(case, actor)
        case.save()
        if checked.services:
            case.requested_services.set(checked.services)
        save_documents(case, checked.documents, actor=actor)
    missing = missing_documents_warning(checked.services, checked.documents)
    return IntakeResult(case=case, warnings=warnings + missing)


def _check_case_fields(
    errors: FieldErrors, intake: CaseIntake
) -> tuple[PpksCategory | None, list[Service]]:
    """The case's own fields against their catalogues; (the PPKS category, the services).

    A service request needs a PPKS category and may request services; a complaint, question
    or suggestion needs neither and requests no service (its tier sets its deadline)."""
    kind, channel, priority = intake.kind, intake.channel, intake.priority
    is_request = kind == CaseKind.SERVICE_REQUEST
    if kind not in CaseKind.values:
        errors.add("kind", _("Jenis kasus tidak dikenal."))
    if channel not in Channel.values:
        errors.add("channel", _("Saluran tidak dikenal."))
    if priority not in Priority.values:
        errors.add("priority", _("Prioritas tidak dikenal."))
    if intake.complaint_tier not in ComplaintTier.values:
        errors.add("complaint_tier", _("Tingkat pengaduan tidak dikenal."))
    if not (intake.description or "").strip():
        errors.add("description", _("Uraian kebutuhan wajib diisi."))
    if len(intake.subject) > SUBJECT:
        errors.add("subject", _("Perihal paling banyak %(n)d karakter.") % {"n": SUBJECT})
    category = None
    if intake.ppks_category or is_request:
        category = PpksCategory.objects.filter(code=intake.ppks_category, is_active=True).first()
        if category is None:
            errors.add("ppks_category", _("Kategori PPKS wajib dipilih dari daftar."))
    if intake.requested_services and not is_request:
        errors.add(
            "requested_services",
            _("Pengaduan, pertanyaan dan saran tidak memohon layanan; buka permohonan layanan."),
        )
    service_codes = list(dict.fromkeys(intake.requested_services))
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
    return category, services


@dataclass
class _People:
    """The applicant and the beneficiary as resolved (the same object when one person)."""

    applicant: ResolvedPerson
    beneficiary: ResolvedPerson

    @property
    def distinct(self) -> list[ResolvedPerson]:
        if self.beneficiary is self.applicant:
            return [self.applicant]
        return [self.applicant, self.beneficiary]


def _resolve_people(
    applicant: PersonInput, beneficiary: PersonInput | None, errors: FieldErrors, *, actor: Actor
) -> _People:
    """Find or check both people; a beneficiary typed with the applicant's new NIK is the
    applicant."""
    resolved_applicant = resolve_person(applicant, "applicant", errors, actor=actor)
    resolved_beneficiary = (
        resolve_person(beneficiary, "beneficiary", errors, actor=actor)
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
    return _People(resolved_applicant, resolved_beneficiary)


def _check_deceased(people: _People, override_reason: str, errors: FieldErrors) -> list[str]:
    """A person recorded as deceased needs an override reason (error on
    ``deceased_override_reason``); with one, the officer is warned. Returns the warnings."""
    warnings = []
    for resolved in people.distinct:
        person = resolved.person
        if person is None or person.life_status != LifeStatus.DECEASED:
            continue
        if override_reason.strip():
            warnings.append(
                _("%(name)s tercatat meninggal dunia; dibuka dengan pengecualian.")
                % {"name": person.full_name}
            )
            continue
        died = (
            " " + _("pada %(d)s") % {"d": date_format(person.life_status_date, "j M Y")}
            if person.life_status_date
            else ""
        )
        errors.add(
            "deceased_override_reason",
            _(
                "%(name)s tercatat meninggal dunia%(date)s. Kasus baru hanya dapat "
                "dibuka dengan alasan pengecualian."
            )
            % {"name": person.full_name, "date": died},
        )
    return warnings


def _check_area(actor: Actor, people: _People, errors: FieldErrors, *, field: str) -> None:
    """The officer may open cases only for someone living in their area."""
    region = people.beneficiary.region
    if region is not None and not selectors.may_register_in(actor, region.code):
        errors.add(f"{field}.address.region_code", str(selectors.OUTSIDE_YOUR_AREA))


def _open_cases_warnings(person: Person) -> list[str]:
    return [
        _("%(name)s masih memiliki kasus terbuka %(number)s (tahap %(stage)s).")
        % {"name": person.full_name, "number": other.number, "stage": other.get_stage_display()}
        for other in selectors.open_cases_of(person)
    ]
