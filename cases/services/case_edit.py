"""Editing a case's own fields, against the version the editor saw (If-Match)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cases import selectors
from cases.history import changed_by
from cases.models import (
    Case,
    CaseKind,
    ComplaintTier,
    Priority,
)
from cases.services.inputs import FieldErrors
from core.errors import IntakeError, NotAllowed, PreconditionFailed
from core.types import Actor

EDITABLE_CASE_FIELDS = {"priority", "description", "complaint_tier"}


def update_case(
    *, actor: Actor, case: Case, changes: dict, expected_etag: str | None = None
) -> Case:
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
        changed_by(case, actor)
        case.save(update_fields=list(changes))
    return case


def _check_case_changes(case: Case, changes: dict) -> None:
    """Raise :class:`IntakeError` keyed by field when ``changes`` may not be applied."""
    errors = FieldErrors()
    unknown = set(changes) - EDITABLE_CASE_FIELDS
    for name in sorted(unknown):
        errors.add(name, _("Kolom ini tidak dapat diubah."))
    if "priority" in changes and changes["priority"] not in Priority.values:
        errors.add("priority", _("Prioritas tidak dikenal."))
    if "complaint_tier" in changes and changes["complaint_tier"] not in ComplaintTier.values:
        errors.add("complaint_tier", _("Tingkat pengaduan tidak dikenal."))
    elif "complaint_tier" in changes and case.kind == CaseKind.SERVICE_REQUEST:
        errors.add(
            "complaint_tier",
            _("Tingkat hanya untuk pengaduan, pertanyaan dan saran, bukan permohonan layanan."),
        )
    if "description" in changes and not str(changes["description"] or "").strip():
        errors.add("description", _("Uraian kebutuhan wajib diisi."))
    if case.status == "closed":
        errors.add("status", _("Kasus yang sudah ditutup tidak dapat diubah."))
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
