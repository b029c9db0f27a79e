"""The citizen registry (people, family cards) and the Case, with what is recorded on it.

People and families are deactivated, never deleted: a deceased person keeps their record,
their life status says why they left. Every model keeps a simple-history trail.

One module per part (registry, duplicates, case, records, audit, move_request); everything
is imported from ``cases.models`` as before.
"""

from cases.models.audit import (
    AccessAction,
    AccessLog,
    IdempotencyRecord,
    PendingUpload,
    pending_upload_path,
)
from cases.models.case import (
    Case,
    CaseGroupObjectPermission,
    CaseKind,
    CaseSequence,
    CaseStatus,
    CaseUserObjectPermission,
    Channel,
    ComplaintTier,
    Outcome,
    Priority,
    Stage,
    stage_label,
)
from cases.models.duplicates import DuplicatePair, DuplicateReason, DuplicateStatus
from cases.models.exports import (
    EXPORT_RUNNING_STATES,
    Export,
    ExportFormat,
    ExportState,
)
from cases.models.move_request import (
    MoveDecision,
    MoveRequest,
    MoveStatus,
)
from cases.models.records import (
    GENERATED_FILE_NAME,
    Attachment,
    AttachmentKind,
    FollowUp,
    FollowUpOutcome,
    HomeVisit,
    Note,
    NoteKind,
    Recommendation,
    attachment_path,
)
from cases.models.registry import (
    Family,
    FamilyQuerySet,
    LifeStatus,
    Person,
    PersonQuerySet,
    RegistryStatus,
    Relationship,
    Sex,
    canonical_number,
    rt_rw_validator,
)
from cases.models.registry_import import (
    ImportKind,
    ImportState,
    RegistryImport,
    display_name_of,
)

__all__ = [
    "stage_label",
    "AccessAction",
    "AccessLog",
    "Attachment",
    "AttachmentKind",
    "Case",
    "CaseGroupObjectPermission",
    "CaseKind",
    "CaseSequence",
    "CaseStatus",
    "CaseUserObjectPermission",
    "Channel",
    "ComplaintTier",
    "DuplicatePair",
    "DuplicateReason",
    "DuplicateStatus",
    "Family",
    "FamilyQuerySet",
    "EXPORT_RUNNING_STATES",
    "Export",
    "ExportFormat",
    "ExportState",
    "FollowUp",
    "FollowUpOutcome",
    "GENERATED_FILE_NAME",
    "HomeVisit",
    "IdempotencyRecord",
    "ImportKind",
    "ImportState",
    "LifeStatus",
    "MoveDecision",
    "MoveRequest",
    "MoveStatus",
    "Note",
    "NoteKind",
    "Outcome",
    "PendingUpload",
    "Person",
    "PersonQuerySet",
    "Priority",
    "Recommendation",
    "RegistryImport",
    "RegistryStatus",
    "Relationship",
    "Sex",
    "Stage",
    "attachment_path",
    "canonical_number",
    "display_name_of",
    "pending_upload_path",
    "rt_rw_validator",
]
