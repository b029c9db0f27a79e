"""Writes on the registry and cases: one function per business action, one transaction each.

``register_case`` (called by ``workflows.services.open_case``, the single intake path of the
HTML form, the API and the demo loader) validates everything first and raises
:class:`core.errors.IntakeError` with messages keyed by input field (``applicant.nik``,
``ppks_category``, ...) before anything is written. One module per part: people and
families, documents and notes, intake, editing a case.
"""

from cases.services.case_edit import EDITABLE_CASE_FIELDS, update_case
from cases.services.documents import add_documents, add_note
from cases.services.inputs import DocumentInput, IntakeResult, PersonInput
from cases.services.intake import register_case
from cases.services.people import (
    KK_JUST_REGISTERED,
    NIK_JUST_REGISTERED,
    assign_family,
    record_registry_status,
    register_person,
)

__all__ = [
    "DocumentInput",
    "EDITABLE_CASE_FIELDS",
    "IntakeResult",
    "KK_JUST_REGISTERED",
    "NIK_JUST_REGISTERED",
    "PersonInput",
    "add_documents",
    "add_note",
    "assign_family",
    "record_registry_status",
    "register_case",
    "register_person",
    "update_case",
]
