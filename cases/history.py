"""Attribute history rows to the user who acts, wherever the save happens.

Web requests get this from simple-history's middleware; services called from commands,
background jobs and tests wrap their work in :func:`acting_as` so that every history row
written inside, including those of viewflow's tasks, names the actor.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.db.models import Model
from simple_history.models import HistoricalRecords


@contextmanager
def acting_as(user):
    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


def changed_by(instance: Model, user: Any, *, reason: str = "") -> None:
    """Name ``user`` (and the ``reason``, when given) on the history row the next save of
    ``instance`` writes (simple-history reads ``_history_user`` and ``_change_reason``);
    for saves outside :func:`acting_as`. ``user`` None keeps the user of the context (the
    request's, or :func:`acting_as`'s)."""
    if user is not None:
        instance._history_user = user  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]
