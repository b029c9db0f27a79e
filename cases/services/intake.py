"""Registering a citizen request as a case record (pendaftaran)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import PpksCategory, Region, Service
from cases import selectors
from cases.models import (
    Case,
    CaseKind,
    CaseSequence,
    Channel,
    ComplaintTier,
    LifeStatus,
    Priority,
)
from cases.services.documents import _check_documents, _missing_documents_warning, _save_documents
from cases.services.inputs import DocumentInput, IntakeResult, PersonInput, _Errors
from cases.services.people import _attach_family, _clean_kk_number, _resolve_person, _save_person
from core.errors import IntakeError


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
