"""Domain errors: a business rule refused an action. Each class carries its HTTP status and
its JSON body, so the API answers every one the same way (``core.api.exception_handler``)
and a page puts it on its form or in its messages with one helper (``core.forms``).

Status codes follow HTTP's meaning (and Zulip's habit of putting the code on the class):
400 the input breaks a rule, 403 the user may see the object but not do this, 409 the
action clashes with what is recorded (a task taken or done, a second request, the same new
NIK at two desks), 412 the client edited a version that is no longer current.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A business rule refused the action (400). ``field_errors`` maps input fields to
    messages; ``message`` is one sentence for all of them."""

    status_code = 400

    def __init__(self, message: str = "", *, field_errors: dict[str, list[str]] | None = None):
        self.field_errors = field_errors or {}
        self.message = message or "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in self.field_errors.items()
        )
        super().__init__(self.message)

    @property
    def is_refusal(self) -> bool:
        """True for a refusal of the action as a whole (403, 409 or 412 naming no field: the
        task was taken, the decision already made), which a page shows as a message on the
        page it goes back to; False for an error about what was typed, which it shows on
        the form."""
        return self.status_code != 400 and not self.field_errors

    def body(self) -> dict:
        """The API's JSON answer: the field errors, or ``{"detail": message}``."""
        return self.field_errors or {"detail": self.message}

    def renamed(self, rename: Callable[[str], str]) -> DomainError:
        """The same error with its field names passed through ``rename`` (an endpoint whose
        field is called differently from the service's argument)."""
        fields: dict[str, list[str]] = {}
        for name, messages in self.field_errors.items():
            fields.setdefault(rename(name), []).extend(messages)
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.field_errors = fields
        return copy


class IntakeError(DomainError):
    """Opening a case (or adding to it) failed validation; nothing was written (400)."""


class WorkflowError(DomainError):
    """A workflow action was refused by a business rule (bad input: 400)."""


class NotAllowed(DomainError):
    """The user may see the object but may not do this to it (403)."""

    status_code = 403

    def body(self) -> dict:
        return {"detail": self.message}


class TaskNotOpen(DomainError):
    """The task has already been completed or cancelled (409)."""

    status_code = 409

    def body(self) -> dict:
        return {"detail": self.message}


class TaskTaken(DomainError):
    """Someone else holds the task (409). ``holder`` is their display name."""

    status_code = 409

    def __init__(self, holder: str):
        self.holder = holder
        super().__init__(_("Tugas sudah diambil oleh %(name)s.") % {"name": holder})

    def body(self) -> dict:
        return {"detail": self.message, "holder": self.holder}


class Conflict(DomainError):
    """The action clashes with what is already recorded, e.g. a second pending request for
    the same thing, or a decision already taken (409)."""

    status_code = 409

    def body(self) -> dict:
        return {"detail": self.message}


class PreconditionFailed(DomainError):
    """The client edited a version that is no longer current: its ``If-Match`` does not match
    the ETag of the row as locked (412). Field errors are keyed ``If-Match``."""

    status_code = 412


class IntakeConflict(Conflict, IntakeError):
    """An intake clashed with one saved a moment ago at another desk, e.g. the same new NIK
    (409 on the API, like any :class:`Conflict`; the intake form shows ``field_errors`` as it
    shows an :class:`IntakeError`, so neither answers a server error)."""


class NeedsConfirmation(Conflict):
    """The intake may be right, but the officer must look first (409): registered people who
    look like the one typed as new (``likely_duplicates``, by ``applicant`` / ``beneficiary``),
    open cases of the beneficiary that already request one of the services (``open_cases``),
    or aid of the requested type the beneficiary already received this period
    (``double_aid``). ``confirm`` names the flag a retry sets to go ahead anyway.

    SLRT practice: the officer checks the registry before creating a record or a second
    request for the same aid (``domain.md`` sections 3 and 5).
    """

    def __init__(
        self,
        message: str,
        *,
        confirm: str,
        likely_duplicates: dict[str, list[dict]] | None = None,
        double_aid: list[dict] | None = None,
        open_cases: list[dict] | None = None,
    ):
        self.confirm = confirm
        self.likely_duplicates = likely_duplicates or {}
        self.double_aid = double_aid or []
        self.open_cases = open_cases or []
        super().__init__(message)

    def body(self) -> dict:
        return {
            "detail": self.message,
            "code": "needs_confirmation",
            "confirm": self.confirm,
            "likely_duplicates": self.likely_duplicates,
            "double_aid": self.double_aid,
            "open_cases": self.open_cases,
        }


def require(errors: dict[str, list[str]], error: type[DomainError] = WorkflowError) -> None:
    """Raise ``error`` with the fields that have messages in ``errors``; nothing when none
    has. Services collect every field's problems first, so the user sees them all at once."""
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise error(field_errors=errors)
