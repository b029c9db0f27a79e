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

from django.db.models import OuterRef, Subquery
from viewflow.workflow.models import Task

from agencies.selectors import agencies_of
from cases.models import Attachment, Case, FollowUp, HomeVisit, Note
from cases.selectors import sees_whole_case
from referrals.models import Delivery, Referral
from web.timeline.case_events import (
    case_history,
    case_record_events,
    opening_event,
    person_events,
    requested_services_by_record,
    task_events,
)
from web.timeline.changes import (
    TimelineEvent,
)
from web.timeline.record_events import (
    delivery_events,
    document_events,
    follow_up_events,
    note_events,
    notification_events,
    referral_events,
    visit_events,
)
from workflows.models import Notification, WorkItem

Change = tuple[str, str, str]


def case_timeline(case: Case, *, viewer=None) -> list[TimelineEvent]:
    """Everything that happened on ``case``, in the order it was recorded, as ``viewer`` may
    see it. An event whose typed time differs (a visit entered in the evening for the
    morning) carries that time too (``TimelineEvent.occurred_at``).

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


def recorded_at(model: type) -> Subquery:
    """When each row was recorded: the date of its first history row (in the same query)."""
    first = model.history.filter(id=OuterRef("pk"), history_type="+")  # type: ignore[attr-defined]
    return Subquery(first.order_by("history_date").values("history_date")[:1])


def _deliveries(case: Case, **filters) -> list:
    return list(
        Delivery.objects.filter(referral__case=case, **filters)
        .annotate(recorded_at=recorded_at(Delivery))
        .select_related("recorded_by", "double_aid_override_by", "referral__agency", "service")
    )


def _notifications(case: Case, **filters) -> list:
    return list(Notification.objects.filter(case=case, **filters).select_related("recipient"))


def _whole_case_events(case: Case) -> list[TimelineEvent]:
    records = case_history(case)
    services = requested_services_by_record(case)
    # Person changes count from when the case was recorded (``opened_at`` may be backdated).
    created_at = records[0].history_date if records else case.opened_at
    deliveries = _deliveries(case)
    attachments = list(
        Attachment.objects.filter(case=case).select_related("uploaded_by", "document_type")
    )
    visits = list(
        HomeVisit.objects.filter(case=case)
        .annotate(recorded_at=recorded_at(HomeVisit))
        .select_related("visited_by")
    )
    events = case_record_events(case, records, services)
    events += person_events(case, since=created_at)
    events += task_events(_work_items(case), _task_history(case))
    events += referral_events(
        _referral_history(case), {delivery.referral_id for delivery in deliveries}
    )
    events += delivery_events(deliveries)
    events += visit_events(visits, attachments)
    events += document_events(attachments)
    events += follow_up_events(
        list(
            FollowUp.objects.filter(case=case)
            .annotate(recorded_at=recorded_at(FollowUp))
            .select_related("recorded_by")
        )
    )
    events += note_events(list(Note.objects.filter(case=case).select_related("author")))
    events += notification_events(_notifications(case))
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
    events = [opening_event(case, first)]
    events += task_events(
        _work_items(case, agency_id__in=agency_ids),
        _task_history(case, agency_id__in=agency_ids),
    )
    events += referral_events(
        _referral_history(case, agency_id__in=agency_ids),
        {delivery.referral_id for delivery in deliveries},
    )
    events += delivery_events(deliveries)
    events += notification_events(_notifications(case, recipient=viewer))
    return events
