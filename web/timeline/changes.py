"""Timeline events and how a record's field changes read (formatting, masking)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.formats import number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from cases.nik import mask_nik

Change = tuple[str, str, str]

# Case fields that are bookkeeping, not something a reader of the case follows.
CASE_INTERNAL_FIELDS = {"id", "process", "registry_findings", "intake_warnings"}
# Person fields derived from others (search name, NIK blind index) or set once at creation.
PERSON_INTERNAL_FIELDS = {"id", "search_name", "nik_index", "created_at", "created_by"}
# Fields whose values are never shown in clear.
MASKED_PERSON_FIELDS = {"nik"}

# viewflow has no trace of a claim made by the completing user inside the completion
# itself (``workflows.services.engine.complete_task_action`` assigns, then finishes, in one
# transaction); a claim followed by the same user's completion this quickly is folded into
# the completion event.
CLAIM_FOLDED_INTO_COMPLETION = dt.timedelta(seconds=2)

TEXT_LIMIT = 160
EMPTY = "—"


# A typed event time within this of its recording is not shown separately.
OCCURRED_APART = dt.timedelta(minutes=1)


@dataclass
class TimelineEvent:
    """One entry of the case timeline."""

    at: dt.datetime  # when it was recorded: the timeline's order
    actor: Any  # a User, or None for work done by nobody in particular
    kind: str
    summary: str
    changes: list[Change] = field(default_factory=list)
    detail: str = ""
    # When it happened, as typed (visited at, delivered at, contacted at, opened at).
    occurred_at: dt.datetime | None = None

    @property
    def shows_occurred_at(self) -> bool:
        """Whether the typed time differs from the recorded one enough to show both."""
        return self.occurred_at is not None and abs(self.occurred_at - self.at) > OCCURRED_APART

    @property
    def is_system(self) -> bool:
        return self.actor is None or self.actor.get_username() == settings.SYSTEM_USERNAME

    @property
    def actor_name(self) -> str:
        if self.is_system:
            return _("Sistem")
        return self.actor.get_full_name() or self.actor.get_username()


# --- value display -------------------------------------------------------------------------


def _format_value(model_field: models.Field, raw: Any, related: Any = None) -> str:
    """A field value as a reader sees it: choice labels, names of related rows, local dates."""
    if raw is None or raw == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(raw, raw))
    if model_field.is_relation:
        return str(related) if related is not None else f"#{raw}"
    if isinstance(raw, dt.datetime):
        return formats.date_format(timezone.localtime(raw), "j M Y H:i")
    if isinstance(raw, dt.date):
        return formats.date_format(raw, "j M Y")
    if isinstance(raw, bool):
        return _("ya") if raw else _("tidak")
    if isinstance(raw, Decimal):
        return formats.number_format(raw, use_l10n=True, force_grouping=True)
    return Truncator(str(raw)).chars(TEXT_LIMIT)


def _label(model_field: models.Field) -> str:
    return capfirst(str(model_field.verbose_name))


def tracked_fields(model: type[models.Model], internal: set[str]) -> list[models.Field]:
    """Fields a reader follows: not internal, not derived (``editable=False``)."""
    return [f for f in model._meta.concrete_fields if f.name not in internal and f.editable]


def masked_fields(model: type[models.Model]) -> frozenset[str]:
    """The NIK, and any field stored encrypted: changes show masked values only."""
    encrypted = {
        f.name for f in model._meta.concrete_fields if type(f).__name__.startswith("Encrypted")
    }
    return frozenset(MASKED_PERSON_FIELDS | encrypted)


def field_changes(
    old, new, fields: list[models.Field], *, masked: frozenset[str] = frozenset()
) -> list[Change]:
    """(label, old, new) for each field that differs between two loaded history rows."""
    changes = []
    for model_field in fields:
        before = getattr(old, model_field.attname)
        after = getattr(new, model_field.attname)
        if before == after or (before in (None, "") and after in (None, "")):
            continue
        if model_field.name in masked:
            changes.append((_label(model_field), mask_nik(before), mask_nik(after)))
            continue
        if model_field.is_relation:
            old_text = _format_value(model_field, before, getattr(old, model_field.name))
            new_text = _format_value(model_field, after, getattr(new, model_field.name))
        else:
            old_text = _format_value(model_field, before)
            new_text = _format_value(model_field, after)
        changes.append((_label(model_field), old_text, new_text))
    return changes


def rupiah(amount: Decimal) -> str:
    """``Rp 500.000`` in Indonesian, ``Rp 500,000`` in English (the active language)."""
    return "Rp " + number_format(amount, 0, force_grouping=True)


def joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def truncated(value: str) -> str:
    return Truncator(value or "").chars(TEXT_LIMIT)


# --- the case's own history ----------------------------------------------------------------
