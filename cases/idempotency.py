"""How long a stored ``Idempotency-Key`` answer lives, and its purge.

The middleware (``config.idempotency``) stores the first answer to an API POST per user and
key and replays it to that user only. After ``RECORD_LIFETIME`` a record is treated as absent
(the key may be used again) and the periodic job deletes it (``workflows.background``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import IdempotencyRecord

RECORD_LIFETIME = dt.timedelta(hours=24)


def idempotency_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Records created at or before this moment have expired."""
    return (now or timezone.now()) - RECORD_LIFETIME


def idempotency_records_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete every expired record (their stored bodies may name citizens); returns how many."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lte=idempotency_cutoff(now)
    ).delete()
    return deleted
