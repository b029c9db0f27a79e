"""Writes on the registry and cases: one function per business action, one transaction each.

``check_intake`` and ``save_intake`` (called by ``workflows.services.open_case``, the single
intake path of the HTML form, the API and the demo loader): the first validates everything
and raises :class:`core.errors.IntakeError` with messages keyed by input field (``applicant.nik``,
``ppks_category``, ...) before the second writes anything. One module per part: people and
families, documents and notes, intake, editing a case.
"""

from cases.services.case_edit import EDITABLE_CASE_FIELDS, update_case
from cases.services.corrections import record_registry_status
from cases.services.documents import add_documents, add_note
from cases.services.inputs import CaseIntake, DocumentInput, IntakeResult, PersonInput
from cases.services.intake import CheckedIntake, check_intake, save_intake
from cases.services.people import (
    KK_JUST_REGISTERED,
    NIK_JUST_REGISTERED,
    assign_family,
    register_person,
)

__all__ = [
    "CaseIntake",
    "CheckedIntake",
    "check_intake",
    "save_intake",
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
    "register_person",
    "update_case",
]
