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
