"""Domain errors raised by case services; the API and HTML layers turn them into messages."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``field_errors`` maps input fields to messages."""

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str]] | None = None):
        self.field_errors = field_errors or {}
        self.message = message or "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in self.field_errors.items()
        )
        super().__init__(self.message)


class IntakeError(DomainError):
    """Opening a case failed validation; nothing was written."""


class WorkflowError(DomainError):
    """A workflow action was refused by a business rule (bad input: 400)."""


class NotAllowed(DomainError):
    """The user may see the object but may not do this to it (403)."""


class TaskNotOpen(DomainError):
    """The task has already been completed or cancelled (409)."""


class TaskTaken(DomainError):
    """Someone else holds the task (409). ``holder`` is their display name."""

    def __init__(self, holder: str):
        self.holder = holder
        super().__init__(f"Tugas sudah diambil oleh {holder}.")


class Conflict(DomainError):
    """The action clashes with what is already recorded, e.g. a second pending request for
    the same thing, or a decision already taken (409)."""


class PreconditionFailed(DomainError):
    """The client edited a version that is no longer current: its ``If-Match`` does not match
    the ETag of the row as locked (412). Field errors are keyed ``If-Match``."""


class IntakeConflict(Conflict, IntakeError):
    """An intake clashed with one saved a moment ago at another desk, e.g. the same new NIK
    (409 on the API, like any :class:`Conflict`; the intake form shows ``field_errors`` as it
    shows an :class:`IntakeError`, so neither answers a server error)."""
