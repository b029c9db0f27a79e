"""In-app notifications, also sent by e-mail by the background job."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, *, kind: str, params: dict, case=None, work_item=None) -> int:
    """Create one notice per recipient; a repeat for the same task and kind is ignored.

    ``kind`` names the message (``models.NOTICE_MESSAGES``), ``params`` fills it (JSON
    values): each reader sees it in their own language. Returns how many were created."""
    with translation.override(settings.LANGUAGE_CODE):
        message = Notification(kind=kind, params=params).text[:300]
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            message=message,
            params=params,
            case=case,
            work_item=work_item,
        )
        for user in {u.pk: u for u in recipients}.values()
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def mark_read(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def _language_of(user) -> str:
    """The language the user chose for the interface (the site's when they chose none)."""
    try:
        return user.preference.language
    except ObjectDoesNotExist:
        return settings.LANGUAGE_CODE


def send_pending_emails(limit: int = 200) -> int:
    """E-mail notices not yet sent to active users, each in its recipient's language; each
    is marked so a re-run never sends it twice. A deactivated account gets no mail (its
    notices stay unsent)."""
    sent = 0
    pending = (
        Notification.objects.filter(emailed_at=None, recipient__is_active=True)
        .exclude(recipient__email="")
        .select_related("recipient__preference", "case")
        .order_by("pk")[:limit]
    )
    for notice in pending:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notice.pk, emailed_at=None).update(
                emailed_at=timezone.now()
            )
            if not claimed:
                continue
            with translation.override(_language_of(notice.recipient)):
                text = notice.text
            subject = f"[Simpul] {text}"
            if len(subject) > 100:
                subject = subject[:99] + "…"
            try:
                send_mail(
                    subject,
                    text,
                    settings.DEFAULT_FROM_EMAIL,
                    [notice.recipient.email],
                )
            except OSError:
                logger.warning("notification %s: e-mail not sent", notice.pk)
                transaction.set_rollback(True)
                continue
        sent += 1
    return sent
