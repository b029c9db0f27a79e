"""Attribute history rows to the user who acts, wherever the save happens.

Web requests get this from simple-history's middleware; services called from commands,
background jobs and tests wrap their work in :func:`acting_as` so that every history row
written inside, including those of viewflow's tasks, names the actor.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

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
