"""The case timeline: one chronological list of everything that happened on a case.

``case_timeline(case, viewer=...)`` merges the case's own history, the applicant's and
beneficiary's record changes, workflow tasks (completion, claim, reassignment), referrals
and their lifecycle, deliveries, home visits, documents, follow-ups, notes and notifications.

Each source is read with one query (related rows joined in), and field changes are computed
from the already-loaded history rows, never with ``diff_against`` (which queries for
many-to-many fields): the number of queries does not grow with the length of the case.

Agency staff (who do not see the whole case) get only the opening and what concerns their
own agencies' referrals and tasks, plus notifications addressed to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from agencies.selectors import agencies_of
from cases.models import Attachment, Case, CaseStatus, FollowUp, HomeVisit, Note, Person
from cases.nik import mask_nik
from cases.selectors import sees_whole_case
from referrals.models import Delivery, Referral, ReferralStatus
from workflows.models import Notification, WorkItem

Change = tuple[str, str, str]

# Case fields that are bookkeeping, not something a reader of the case follows.
CASE_INTERNAL_FIELDS = {"id", "process", "registry_findings", "intake_warnings"}
# Person fields derived from others (search name, NIK blind index) or set once at creation.
PERSON_INTERNAL_FIELDS = {"id", "search_name", "nik_index", "created_at", "created_by"}
# Fields whose values are never shown in clear.
MASKED_PERSON_FIELDS = {"nik"}

# viewflow has no trace of a claim made by the completing user inside the completion
# itself (``_complete`` assigns, then finishes, in one transaction); a claim followed by the
# same user's completion this quickly is folded into the completion event.
CLAIM_FOLDED_INTO_COMPLETION = dt.timedelta(seconds=2)

TEXT_LIMIT = 160
EMPTY = "—"


@dataclass
class TimelineEvent:
    """One entry of the case timeline."""

    at: dt.datetime
    actor: Any  # a User, or None for work done by nobody in particular
    kind: str
    summary: str
    changes: list[Change] = field(default_factory=list)
    detail: str = ""

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


def _tracked_fields(model: type[models.Model], internal: set[str]) -> list[models.Field]:
    """Fields a reader follows: not internal, not derived (``editable=False``)."""
    return [f for f in model._meta.concrete_fields if f.name not in internal and f.editable]


def _masked_fields(model: type[models.Model]) -> frozenset[str]:
    """The NIK, and any field stored encrypted: changes show masked values only."""
    encrypted = {
        f.name for f in model._meta.concrete_fields if type(f).__name__.startswith("Encrypted")
    }
    return frozenset(MASKED_PERSON_FIELDS | encrypted)


def _field_changes(
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


def _rupiah(amount: Decimal) -> str:
    return "Rp " + f"{amount:,.0f}".replace(",", ".")


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _text(value: str) -> str:
    return Truncator(value or "").chars(TEXT_LIMIT)


# --- the case's own history ----------------------------------------------------------------


def _case_history(case: Case) -> list:
    person_fields = {f.name for f in Person._meta.concrete_fields}
    secret = sorted(person_fields & (set(_masked_fields(Person)) | {"nik_index"}))
    return list(
        Case.history.filter(id=case.pk)
        .select_related(
            "history_user",
            "opened_by",
            "ppks_category",
            "region",
            "forwarded_agency",
            "applicant",
            "beneficiary",
        )
        # Only the people's names are shown: their NIKs are not even read.
        .defer(*(f"{role}__{name}" for role in ("applicant", "beneficiary") for name in secret))
        .order_by("history_date", "history_id")
    )


def _requested_services_by_record(case: Case) -> dict[int, dict[int, str]]:
    """For each historical case row: the requested services it recorded (id → name)."""
    m2m_model = apps.get_model("cases", "HistoricalCase_requested_services")
    by_record: dict[int, dict[int, str]] = defaultdict(dict)
    rows = m2m_model.objects.filter(case_id=case.pk).select_related("service")
    for row in rows:
        name = row.service.name if row.service is not None else f"#{row.service_id}"
        by_record[row.history_id][row.service_id] = name
    return by_record


def _opening_event(case: Case, first) -> TimelineEvent:
    actor = None
    if first is not None:
        actor = first.opened_by or first.history_user
    return TimelineEvent(
        at=case.opened_at,
        actor=actor,
        kind="opened",
        summary=_("Kasus dibuka"),
        detail=_join(case.get_kind_display(), case.get_channel_display()),
    )


def _case_change_summary(old, new, changes: list[Change]) -> tuple[str, str]:
    if old.status != new.status and new.status == CaseStatus.CLOSED:
        return "case_closed", _("Kasus ditutup")
    if old.status != new.status and old.status == CaseStatus.CLOSED:
        return "case_reopened", _("Kasus dibuka kembali")
    if len(changes) == 1 and old.stage != new.stage:
        return "case_stage", _("Tahap kasus: %(stage)s") % {"stage": new.get_stage_display()}
    return "case_changed", _("Data kasus diubah")


def _case_events(case: Case, records: list, services: dict[int, dict[int, str]]) -> list:
    fields = _tracked_fields(Case, CASE_INTERNAL_FIELDS)
    services_label = capfirst(str(Case._meta.get_field("requested_services").verbose_name))
    events = [_opening_event(case, records[0] if records else None)]
    for old, new in zip(records, records[1:], strict=False):
        changes = _field_changes(old, new, fields)
        before = services.get(old.history_id, {})
        after = services.get(new.history_id, {})
        # The services are set right after the case row is created: part of the opening.
        initial_population = old.history_type == "+" and not before
        if before.keys() != after.keys() and not initial_population:
            changes.append(
                (
                    services_label,
                    ", ".join(sorted(before.values())) or EMPTY,
                    ", ".join(sorted(after.values())) or EMPTY,
                )
            )
        if not changes:
            continue
        kind, summary = _case_change_summary(old, new, changes)
        events.append(
            TimelineEvent(
                at=new.history_date,
                actor=new.history_user,
                kind=kind,
                summary=summary,
                changes=changes,
            )
        )
    return events


# --- applicant and beneficiary -------------------------------------------------------------


def _person_events(case: Case, since: dt.datetime) -> list[TimelineEvent]:
    """Changes to the applicant's and beneficiary's records since the case was opened."""
    roles = {case.applicant_id: _("pemohon"), case.beneficiary_id: _("penerima manfaat")}
    if case.applicant_id == case.beneficiary_id:
        roles[case.applicant_id] = _("pemohon/penerima manfaat")
    records = (
        Person.history.filter(id__in=set(roles))
        .select_related("history_user", "region", "family")
        .order_by("id", "history_date", "history_id")
    )
    fields = _tracked_fields(Person, PERSON_INTERNAL_FIELDS)
    masked = _masked_fields(Person)
    events = []
    previous = None
    for record in records:
        old, previous = (previous if previous and previous.id == record.id else None), record
        if old is None or record.history_date < since:
            continue
        changes = _field_changes(old, record, fields, masked=masked)
        if not changes:
            continue
        events.append(
            TimelineEvent(
                at=record.history_date,
                actor=record.history_user,
                kind="person_changed",
                summary=_("Data %(role)s diubah: %(name)s")
                % {"role": roles[record.id], "name": record.full_name},
                changes=changes,
            )
        )
    return events


# --- workflow tasks ------------------------------------------------------------------------


def _task_events(items: list, task_records: list) -> list[TimelineEvent]:
    by_task = {item.pk: item for item in items}
    history: dict[int, list] = defaultdict(list)
    for record in task_records:
        history[record.id].append(record)

    events = []
    for item in items:
        task = item.task
        kind_label = item.get_kind_display()
        if task.status == STATUS.DONE and task.finished:
            events.append(
                TimelineEvent(
                    at=task.finished,
                    actor=task.owner,
                    kind="task_done",
                    summary=_("Tugas %(kind)s diselesaikan") % {"kind": kind_label},
                )
            )
        elif task.status == STATUS.CANCELED:
            canceled = next((r for r in history[item.pk] if r.status == STATUS.CANCELED), None)
            events.append(
                TimelineEvent(
                    at=task.finished or (canceled.history_date if canceled else task.created),
                    actor=canceled.history_user if canceled else None,
                    kind="task_canceled",
                    summary=_("Tugas %(kind)s dibatalkan") % {"kind": kind_label},
                )
            )

    for task_id, records in history.items():
        item = by_task.get(task_id)
        if item is None:
            continue
        kind_label = item.get_kind_display()
        for old, new in zip(records, records[1:], strict=False):
            if old.owner_id == new.owner_id:
                continue
            actor = new.history_user
            if new.owner_id is None:
                kind = "task_released"
                summary = _("Tugas %(kind)s dikembalikan ke antrean") % {"kind": kind_label}
            elif old.owner_id is None and actor is not None and actor.pk == new.owner_id:
                if _claim_folded(item.task, new):
                    continue
                kind = "task_claimed"
                summary = _("Tugas %(kind)s diambil oleh %(user)s") % {
                    "kind": kind_label,
                    "user": _user_name(new.owner),
                }
            elif old.owner_id is None:
                kind = "task_assigned"
                summary = _("Tugas %(kind)s ditugaskan kepada %(user)s") % {
                    "kind": kind_label,
                    "user": _user_name(new.owner),
                }
            else:
                kind = "task_reassigned"
                summary = _("Tugas %(kind)s dialihkan dari %(old)s ke %(new)s") % {
                    "kind": kind_label,
                    "old": _user_name(old.owner),
                    "new": _user_name(new.owner),
                }
            events.append(
                TimelineEvent(at=new.history_date, actor=actor, kind=kind, summary=summary)
            )
    return events


def _claim_folded(task: Task, claim) -> bool:
    """A claim made by the completing user in the same breath as completing the task."""
    return (
        task.status == STATUS.DONE
        and task.finished is not None
        and task.owner_id == claim.owner_id
        and task.finished - claim.history_date <= CLAIM_FOLDED_INTO_COMPLETION
    )


def _user_name(user) -> str:
    if user is None:
        return EMPTY
    if user.get_username() == settings.SYSTEM_USERNAME:
        return _("Sistem")
    return user.get_full_name() or user.get_username()


# --- referrals and deliveries --------------------------------------------------------------


# Status a referral moved to → (event kind, summary). Marked for translation here, translated
# when the timeline is built.
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


def _referral_events(records: list, delivered_referrals: set[int]) -> list[TimelineEvent]:
    events = []
    previous = None
    for record in records:
        old, previous = (previous if previous and previous.id == record.id else None), record
        agency = record.agency.name if record.agency else EMPTY
        service = record.service.name if record.service else EMPTY
        names = {"agency": agency, "service": service}
        reason = _text(record.decision_reason)
        if old is None:
            if record.history_type != "+":
                continue
            events.append(
                TimelineEvent(
                    at=record.sent_at,
                    actor=record.history_user,
                    kind="referral_sent",
                    summary=_("Rujukan %(service)s dikirim ke %(agency)s") % names,
                    detail=_text(record.note),
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


def _delivery_events(deliveries: list) -> list[TimelineEvent]:
    events = []
    for delivery in deliveries:
        parts = [delivery.get_channel_display()]
        if delivery.amount is not None:
            parts.append(_rupiah(delivery.amount))
        parts += [_text(delivery.items), _text(delivery.note)]
        if delivery.double_aid_override_reason:
            parts.append(
                _("Pengecualian bantuan ganda oleh %(user)s: %(reason)s")
                % {
                    "user": _user_name(delivery.double_aid_override_by),
                    "reason": _text(delivery.double_aid_override_reason),
                }
            )
        events.append(
            TimelineEvent(
                at=delivery.delivered_at,
                actor=delivery.recorded_by,
                kind="delivery",
                summary=_("Bantuan disalurkan oleh %(agency)s: %(service)s")
                % {"agency": delivery.referral.agency.name, "service": delivery.service.name},
                detail=_join(*parts),
            )
        )
    return events


# --- visits, documents, follow-ups, notes, notifications -----------------------------------


def _visit_events(visits: list, attachments: list) -> list[TimelineEvent]:
    photos: dict[int, int] = defaultdict(int)
    for attachment in attachments:
        if attachment.visit_id is not None:
            photos[attachment.visit_id] += 1
    events = []
    for visit in visits:
        count = photos.get(visit.pk, 0)
        events.append(
            TimelineEvent(
                at=visit.visited_at,
                actor=visit.visited_by,
                kind="visit",
                summary=_("Kunjungan rumah: rekomendasi %(recommendation)s")
                % {"recommendation": visit.get_recommendation_display()},
                detail=_join(
                    _text(visit.findings),
                    ngettext("%(count)d foto", "%(count)d foto", count) % {"count": count}
                    if count
                    else "",
                ),
            )
        )
    return events


def _document_events(attachments: list) -> list[TimelineEvent]:
    # The original file name is never shown: it may hold a NIK or a person's name.
    return [
        TimelineEvent(
            at=attachment.uploaded_at,
            actor=attachment.uploaded_by,
            kind="document",
            summary=_("Dokumen ditambahkan: %(kind)s") % {"kind": attachment.get_kind_display()},
        )
        for attachment in attachments
        if attachment.visit_id is None  # visit photos are counted on their visit
    ]


def _follow_up_events(follow_ups: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=follow_up.contacted_at,
            actor=follow_up.recorded_by,
            kind="follow_up",
            summary=_("Tindak lanjut: %(outcome)s") % {"outcome": follow_up.get_outcome_display()},
            detail=_text(follow_up.note),
        )
        for follow_up in follow_ups
    ]


def _note_events(notes: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=note.created_at,
            actor=note.author,
            kind="note",
            summary=_("Catatan ditambahkan: %(kind)s") % {"kind": note.get_kind_display()},
            detail=_join(note.get_channel_display() if note.channel else "", _text(note.text)),
        )
        for note in notes
    ]


def _notification_events(notifications: list) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=notification.created_at,
            actor=None,
            kind="notification",
            summary=_("Notifikasi dikirim ke %(user)s")
            % {"user": _user_name(notification.recipient)},
            detail=_text(notification.message),
        )
        for notification in notifications
    ]


# --- the selector --------------------------------------------------------------------------


def case_timeline(case: Case, *, viewer=None) -> list[TimelineEvent]:
    """Everything that happened on ``case``, oldest first, as ``viewer`` may see it.

    Without a viewer (or for the case team) the whole case; for agency staff the opening and
    their own agencies' referrals, tasks and deliveries, and notifications addressed to them.
    A fixed number of queries however long the case: 12 for the whole case (one more to check
    a viewer who is not the case's opener), 8 for agency staff.
    """
    if viewer is None or sees_whole_case(viewer, case):
        events = _whole_case_events(case)
    else:
        events = _agency_events(case, viewer)
    events.sort(key=lambda event: event.at)
    return events


def _work_items(case: Case, **filters):
    return list(
        WorkItem.objects.filter(case=case, **filters)
        .select_related("task__owner")
        .order_by("task__created", "pk")
    )


def _task_history(case: Case, **filters) -> list:
    task_ids = WorkItem.objects.filter(case=case, **filters).values("task_id")
    return list(
        Task.history.filter(id__in=task_ids)
        .select_related("owner", "history_user")
        .order_by("id", "history_date", "history_id")
    )


def _referral_history(case: Case, **filters) -> list:
    return list(
        Referral.history.filter(case_id=case.pk, **filters)
        .select_related("history_user", "agency", "service")
        .order_by("id", "history_date", "history_id")
    )


def _deliveries(case: Case, **filters) -> list:
    return list(
        Delivery.objects.filter(referral__case=case, **filters).select_related(
            "recorded_by", "double_aid_override_by", "referral__agency", "service"
        )
    )


def _notifications(case: Case, **filters) -> list:
    return list(Notification.objects.filter(case=case, **filters).select_related("recipient"))


def _whole_case_events(case: Case) -> list[TimelineEvent]:
    records = _case_history(case)
    services = _requested_services_by_record(case)
    # Person changes count from when the case was recorded (``opened_at`` may be backdated).
    created_at = records[0].history_date if records else case.opened_at
    deliveries = _deliveries(case)
    attachments = list(Attachment.objects.filter(case=case).select_related("uploaded_by"))
    visits = list(HomeVisit.objects.filter(case=case).select_related("visited_by"))
    events = _case_events(case, records, services)
    events += _person_events(case, since=created_at)
    events += _task_events(_work_items(case), _task_history(case))
    events += _referral_events(
        _referral_history(case), {delivery.referral_id for delivery in deliveries}
    )
    events += _delivery_events(deliveries)
    events += _visit_events(visits, attachments)
    events += _document_events(attachments)
    events += _follow_up_events(
        list(FollowUp.objects.filter(case=case).select_related("recorded_by"))
    )
    events += _note_events(list(Note.objects.filter(case=case).select_related("author")))
    events += _notification_events(_notifications(case))
    return events


def _agency_events(case: Case, viewer) -> list[TimelineEvent]:
    agency_ids = sorted(agency.pk for agency in agencies_of(viewer))
    first = (
        Case.history.filter(id=case.pk)
        .select_related("opened_by", "history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    deliveries = _deliveries(case, referral__agency_id__in=agency_ids)
    events = [_opening_event(case, first)]
    events += _task_events(
        _work_items(case, agency_id__in=agency_ids),
        _task_history(case, agency_id__in=agency_ids),
    )
    events += _referral_events(
        _referral_history(case, agency_id__in=agency_ids),
        {delivery.referral_id for delivery in deliveries},
    )
    events += _delivery_events(deliveries)
    events += _notification_events(_notifications(case, recipient=viewer))
    return events
