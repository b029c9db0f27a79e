"""What the registry and intake services take and give: people, documents, results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from agencies.models import Region
from cases.models import Case, ComplaintTier, Person, Priority


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
class CaseIntake:
    """What the officer (or the API client) typed to open a case: the request, the applicant,
    the beneficiary when someone else, the family card number and the uploaded documents.

    ``ppks_category`` and ``requested_services`` are catalogue codes (a service request's;
    a complaint, question or suggestion has a ``subject`` and a ``complaint_tier``
    instead); ``opened_at`` defaults to now (the demo loader dates its cases in the past).
    """

    kind: str
    channel: str
    description: str
    applicant: PersonInput
    ppks_category: str = ""
    subject: str = ""
    beneficiary: PersonInput | None = None
    requested_services: list[str] = field(default_factory=list)
    kk_number: str = ""
    priority: str = Priority.NORMAL
    complaint_tier: str = ComplaintTier.NORMATIVE
    deceased_override_reason: str = ""
    opened_at: dt.datetime | None = None
    documents: list[DocumentInput] = field(default_factory=list)


@dataclass
class IntakeResult:
    case: Case
    warnings: list[str] = field(default_factory=list)


@dataclass
class ResolvedPerson:
    """A person input after validation: an existing record, or the data of a new one."""

    person: Person | None
    data: PersonInput
    region: Region | None
    warnings: list[str]
    likely_duplicates: list[Person] = field(default_factory=list)


class FieldErrors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name.lstrip("."), []).append(str(message))

    def add_validation(self, name: str, error: ValidationError) -> None:
        for message in error.messages:
            self.add(name, message)
