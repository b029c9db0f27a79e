"""API tokens (django-rest-knox): what ends them.

A token is created per login by ``agencies.api.TokenView`` and stored only as a digest. It ends
when it expires (``REST_KNOX["TOKEN_TTL"]``, 10 hours), when its user logs it out, logs out
everywhere, changes their password or is deactivated (``agencies.signals``). Expired rows are
refused by knox on use and purged by the periodic job.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from knox.models import get_token_model


def tokens_end_all(*, user_id: int) -> int:
    """End every API token of the user; returns how many were deleted."""
    deleted, _by_model = get_token_model().objects.filter(user_id=user_id).delete()
    return deleted


def tokens_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete tokens past their expiry (knox refuses them already); returns how many."""
    deleted, _by_model = get_token_model().objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted
