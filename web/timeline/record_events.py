"""Timeline events of referrals, deliveries, visits, documents, follow-ups, notes and
notifications."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from referrals.models import ReferralStatus
from web.timeline.case_events import (
    user_name,
)
from web.timeline.changes import (
    EMPTY,
    TimelineEvent,
    joined,
    rupiah,
    truncated,
)

Change = tuple[str, str, str]

_REFERRAL_STATUS_EVENTS = {
    ReferralStatus.SENT: (
        "referral_returned",
        gettext_noop("Rujukan %(service)s dikembalikan untuk diperbaiki"),
    ),
    ReferralStatus.ACCEPTED: (
        "referral_accepted",
        gettext_noop("Rujukan %(service)s diterima oleh %(agency)s"),
    ),
    ReferralStatus.APPROVED: (
        "referral_approved",
        gettext_noop("Rujukan %(service)s disetujui oleh %(agency)s"),
    ),
    ReferralStatus.DELIVERED: (
        "referral_delivered",
        gettext_noop("Rujukan %(service)s selesai: bantuan disalurkan"),
    ),
    ReferralStatus.REJECTED: (
        "referral_rejected",
        gettext_noop("Rujukan %(service)s ditolak oleh %(agency)s"),
    ),
    ReferralStatus.DECLINED: (
        "referral_declined",
        gettext_noop("Rujukan %(service)s tidak disetujui oleh %(agency)s"),
    ),
    ReferralStatus.REVOKED: (
        "referral_revoked",
        gettext_noop("Rujukan %(service)s dibatalkan oleh pengirim"),
    ),
}


def referral_events(records: list, delivered_referrals: set[int]) -> list[TimelineEvent]:
    events = []
    previous = None
    for record in records:
        old, previous = (previous if previous and previous.id == record.id else None), record
        agency = record.agency.name if record.agency else EMPTY
        service = record.service.display_name if record.service else EMPTY
        names = {"agency": agency, "service": service}
        reason = truncated(record.decision_reason)
        if old is None:
            if record.history_type != "+":
                continue
            events.append(
                TimelineEvent(
                    at=record.sent_at,
                    actor=record.history_user,
                    kind="referral_sent",
                    summary=_("Rujukan %(service)s dikirim ke %(agency)s") % names,
                    detail=truncated(record.note),
                )
            )
            continue
        if old.status == record.status:
            if record.approvals_done > old.approvals_done:
                events.append(
                    TimelineEvent(
                        at=record.history_date,
                        actor=record.history_user,
                        kind="referral_approval_level",
                        summary=_("Rujukan %(service)s: persetujuan tingkat %(level)d diberikan")
                        % {"level": record.approvals_done, "service": service},
                        detail=reason,
                    )
                )
            continue
        status = record.status
        if status == ReferralStatus.DELIVERED and record.id in delivered_referrals:
            continue  # the delivery's own event says it, with what and how
        kind, summary = _REFERRAL_STATUS_EVENTS.get(status, (None, None))
        if kind is None:
            kind, summary = "referral_changed", _("Status rujukan %(service)s: %(status)s")
        else:
            summary = _(summary)
        names["status"] = record.get_status_display()
        events.append(
            TimelineEvent(
                at=record.history_date,
                actor=record.history_user,
                kind=kind,
                summary=summary % names,
                detail=reason,
            )
        )
    return events


def delivery_events(deliveries: list) -> list[TimelineEvent]:
    events = []
    for delivery in deliveries:
        parts = [delivery.get_channel_display()]
        if delivery.amount is not None:
            parts.append(rupiah(delivery.amount))
        parts += [truncated(delivery.items), truncated(delivery.note)]
        if delivery.double_aid_override_reason:
            parts.append(
                _("Pengecualian bantuan ganda oleh %(user)s: %(reason)s")
                % {
                    "user": user_name(delivery.double_aid_override_by),
                    "reason": truncated(delivery.double_aid_override_reason),
                }
            )
        events.append(
            TimelineEvent(
                at=delivery.recorded_at or delivery.delivered_at,
                occurred_at=delivery.delivered_at,
                actor=delivery.recorded_by,
                kind="delivery",
                summary=_("Bantuan disalurkan oleh %(agency)s: %(service)s")
                % {
                    "agency": delivery.referral.agency.name,
                    "service": delivery.service.display_name,
                },
                detail=joined(*parts),
            )
        )
    return events


# --- visits, documents, follow-ups, notes, notifications -----------------------------------


def visit_events(visits: list, attachments: list) -> list[TimelineEvent]:
    photos: dict[int, int] = defaultdict(int)
    for attachment in attachments:
        if attachment.visit_id is not None:
            photos[attachment.visit_id] += 1
    events = []
    for visit in visits:
        count = photos.get(visit.pk, 0)
        events.append(
            TimelineEvent(
                at=visit.recorded_at or visit.visited_at,
                occurred_at=visit.visited_at,
                actor=visit.visited_by,
                kind="visit",
                summary=_("Kunjungan rumah: rekomendasi %(recommendation)s")
                % {"recommendation": visit.get_recommendation_display()},
                detail=joined(
                    truncated(visit.findings),
                    ngettext("%(count)d foto", "%(count)d foto", count) % {"count": count}
                    if count
                    else "",
                ),
            )
        )
    return events


def document_events(attachments: list) -> list[TimelineEvent]:
    # The original file name is never shown: it may hold a NIK or a person's name.
    return [
        TimelineEvent(
            at=attachment.uploaded_at,
            actor=attachment.uploaded_by,
            kind="document",
            summary=_("Dokumen ditambahkan: %(kind)s")
            % {
                "kind": attachment.document_type.display_name
                if attachment.document_type_id
                else attachment.get_kind_display()
            },
        )
        for attachment in attachments
        if attachment.visit_id is None  # visit photos are counted on their visit
    ]


def follow_up_events(follow_ups: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=follow_up.recorded_at or follow_up.contacted_at,
            occurred_at=follow_up.contacted_at,
            actor=follow_up.recorded_by,
            kind="follow_up",
            summary=_("Tindak lanjut: %(outcome)s") % {"outcome": follow_up.get_outcome_display()},
            detail=truncated(follow_up.note),
        )
        for follow_up in follow_ups
    ]


def note_events(notes: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=note.created_at,
            actor=note.author,
            kind="note",
            summary=_("Catatan ditambahkan: %(kind)s") % {"kind": note.get_kind_display()},
            detail=joined(note.get_channel_display() if note.channel else "", truncated(note.text)),
        )
        for note in notes
    ]


def notification_events(notifications: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=notification.created_at,
            actor=None,
            kind="notification",
            summary=_("Notifikasi dikirim ke %(user)s")
            % {"user": user_name(notification.recipient)},
            detail=truncated(notification.text),
        )
        for notification in notifications
    ]


# --- the selector --------------------------------------------------------------------------
