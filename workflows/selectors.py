"""Who may act on which task: the queues, in one place."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from agencies.models import (
    AGENCY_ROLES,
    Membership,
    Region,
    Role,
    code_within,
    region_and_ancestors,
)
from agencies.selectors import active_memberships, agencies_of, covers
from cases.models import Case, CaseStatus
from cases.selectors import case_team_q, cases_visible_to
from core.deadlines import at_risk_q, overdue_q
from core.types import Viewer

from .models import TaskKind, WorkItem, WorkItemQuerySet

# The task kinds each role works on. Agency roles act only on their own agency's items.
KINDS_BY_ROLE: dict[str, set[str]] = {
    Role.SOCIAL_WORKER: {TaskKind.VERIFICATION, TaskKind.FOLLOW_UP},
    Role.BACK_OFFICE: {TaskKind.ASSESSMENT, TaskKind.HANDLING, TaskKind.RESPONSE},
    Role.SUPERVISOR: {TaskKind.SERVICE_DECISION, TaskKind.CLOSURE},
    Role.AGENCY_STAFF: {TaskKind.REFERRAL_REVIEW, TaskKind.DELIVERY, TaskKind.HANDLING},
    Role.AGENCY_APPROVER: {
        TaskKind.REFERRAL_REVIEW,
        TaskKind.APPROVAL,
        TaskKind.DELIVERY,
        TaskKind.HANDLING,
    },
}


def queue_q(user: Viewer) -> Q:
    """Items in the user's queues: by role and area, or by role and agency."""
    q = Q(pk__in=[])
    for membership in active_memberships(user):
        kinds = KINDS_BY_ROLE.get(membership.role)
        if not kinds:
            continue
        if membership.role in AGENCY_ROLES:
            q |= Q(agency_id=membership.agency_id, kind__in=kinds)
        else:
            q |= Q(agency__isnull=True, kind__in=kinds) & Region.within_q(membership.area_id)
    return q


def actionable_tasks(user: Viewer) -> QuerySet[WorkItem]:
    """Open tasks the user can act on now: assigned to them, or unclaimed in their queues."""
    if not user.is_authenticated:
        return WorkItem.objects.none()
    return (
        WorkItem.objects.open()
        .filter(queue_q(user))
        .filter(Q(task__owner__isnull=True) | Q(task__owner=user))
        .select_related(
            "case__beneficiary",
            "case__region",
            "task__owner",
            "task__process",
            "referral__service",
            "agency",
        )
        .order_by("due_at", "pk")
    )


# The kinds of work an agency's queue holds (whoever in the agency may act on each).
AGENCY_KINDS: list[str] = [
    kind
    for kind in TaskKind.values
    if kind in KINDS_BY_ROLE[Role.AGENCY_STAFF] | KINDS_BY_ROLE[Role.AGENCY_APPROVER]
]
QUEUE_HOLDERS = ("all", "mine", "unclaimed")


def agency_roles_for(item: WorkItem) -> list[str]:
    """The agency roles that act on ``item`` (e.g. only the approver for an approval)."""
    return [
        role
        for role in (Role.AGENCY_STAFF, Role.AGENCY_APPROVER)
        if item.kind in KINDS_BY_ROLE[role]
    ]


def waits_for(user: Viewer, item: WorkItem) -> str | None:
    """On an agency queue: who the item waits for when ``user`` may not act on it (e.g.
    "Pejabat penyetuju instansi" for an approval seen by staff), None when they may. No
    query: the user's memberships are read once per request."""
    roles = {m.role for m in active_memberships(user) if m.agency_id == item.agency_id}
    acting = agency_roles_for(item)
    if roles & set(acting):
        return None
    return ", ".join(str(Role(role).label) for role in acting)


def _agency_ids(user: Viewer) -> list[int]:
    """The active agencies the user is active staff or approver of."""
    return [agency.pk for agency in agencies_of(user)]


def has_agency_queue(user: Viewer) -> bool:
    """Whether the user works in an active agency (from the request's memberships)."""
    return bool(_agency_ids(user))


def agency_queue(user: Viewer, *, holder: str = "all") -> QuerySet[WorkItem]:
    """Antrean instansi: every open task of the user's agencies, whoever holds it, oldest due
    first. ``holder`` narrows to the user's own ("mine") or unclaimed tasks."""
    if not user.is_authenticated or not user.is_active:
        return WorkItem.objects.none()
    qs = WorkItem.objects.open().filter(agency_id__in=_agency_ids(user))
    if holder == "mine":
        qs = qs.filter(task__owner=user)
    elif holder == "unclaimed":
        qs = qs.filter(task__owner__isnull=True)
    return qs.select_related(
        "case__beneficiary", "case__region", "task__owner", "referral__service", "agency"
    ).order_by("due_at", "pk")


def queue_counts(qs: QuerySet[WorkItem], now: dt.datetime | None = None) -> dict:
    """Tasks, overdue and at-risk tasks of a queue, in total and by kind (one query)."""
    now = now or timezone.now()
    rows = (
        qs.order_by()
        .values("kind")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=overdue_q(now)),
            at_risk=Count("pk", filter=at_risk_q(now)),
        )
    )
    by_kind = {row["kind"]: row for row in rows}
    return {
        "total": sum(row["n"] for row in by_kind.values()),
        "overdue": sum(row["overdue"] for row in by_kind.values()),
        "at_risk": sum(row["at_risk"] for row in by_kind.values()),
        "by_kind": {kind: by_kind.get(kind, {}).get("n", 0) for kind in AGENCY_KINDS},
    }


def can_act(user: Viewer, item: WorkItem) -> bool:
    """Whether ``item`` is in one of the user's queues (by role and area, or agency)."""
    return WorkItem.objects.filter(queue_q(user), pk=item.pk).exists()


NOT_IN_QUEUE = "not_in_queue"
HELD_BY_ANOTHER = "held_by_another"


def task_refusal(user: Viewer, item: WorkItem, *, owner_id: int | None) -> str | None:
    """The one rule of who may act on a task, with the reason when they may not:
    ``NOT_IN_QUEUE`` (not in any of their queues, checked first, so only someone who could
    act learns that another holds it) or ``HELD_BY_ANOTHER`` (``owner_id``, the task's
    current holder read under the task's lock, is someone else). None: they may act."""
    if not can_act(user, item):
        return NOT_IN_QUEUE
    if owner_id not in (None, user.pk):
        return HELD_BY_ANOTHER
    return None


def supervised_tasks(user: Viewer) -> QuerySet[WorkItem]:
    """Open tasks in a supervisor's area (any queue), for the dashboard and reassignment."""
    q = Q(pk__in=[])
    for membership in active_memberships(user):
        if membership.role == Role.SUPERVISOR:
            q |= Region.within_q(membership.area_id)
        elif membership.role == Role.AGENCY_APPROVER:
            q |= Q(agency_id=membership.agency_id)
    return WorkItem.objects.open().filter(q)


def _users(memberships: QuerySet[Membership]) -> QuerySet:
    return get_user_model().objects.filter(memberships__in=memberships).distinct()


def queue_members(item: WorkItem) -> QuerySet:
    """Everyone who could take ``item`` from its queue."""
    roles = [role for role, kinds in KINDS_BY_ROLE.items() if item.kind in kinds]
    memberships = Membership.objects.active().filter(role__in=roles)
    if item.agency_id:
        memberships = memberships.filter(agency_id=item.agency_id)
    else:
        memberships = memberships.filter(area_id__in=region_and_ancestors(item.region_id)).exclude(
            role__in=AGENCY_ROLES
        )
    return _users(memberships)


def supervisors_of(region_code: str, *, regency_level_only: bool = False) -> QuerySet:
    """Supervisors whose area covers the region; the SLRT manager when regency-level only."""
    codes = region_and_ancestors(region_code)
    if regency_level_only:
        codes = codes[:2]
    return _users(Membership.objects.active().filter(role=Role.SUPERVISOR, area_id__in=codes))


def agency_heads(agency_id: int) -> QuerySet:
    return _users(
        Membership.objects.active().filter(role=Role.AGENCY_APPROVER, agency_id=agency_id)
    )


def may_reopen_case(user: Viewer, case: Case) -> bool:
    """Whether ``user`` may reopen ``case``: a supervisor of its area (SLRT practice: the
    manager who closes a case is the one who reopens it), and only once it is closed."""
    return case.status == CaseStatus.CLOSED and covers(user, case.region_id, {Role.SUPERVISOR})


def case_tasks(user: Viewer, case: Case) -> list[dict]:
    """The case's open tasks, with what ``user`` may do to each (for the case page)."""
    items = list(
        WorkItem.objects.open()
        .filter(case=case)
        .select_related("task__owner", "agency", "referral__service", "case__region")
        .order_by("due_at")
    )
    if not items:
        return []
    ids = [item.pk for item in items]
    actionable = set(
        WorkItem.objects.filter(queue_q(user), pk__in=ids).values_list("pk", flat=True)
    )
    supervised = set(supervised_tasks(user).filter(pk__in=ids).values_list("pk", flat=True))
    candidates = _assignee_candidates(items) if supervised else []
    now = timezone.now()
    rows = []
    for item in items:
        owner = item.task.owner
        mine = item.pk in actionable and owner in (None, user)
        rows.append(
            {
                "item": item,
                "owner": owner,
                "overdue": item.due_at < now,
                "at_risk": item.at_risk_at <= now <= item.due_at,
                "can_claim": mine and owner is None,
                "can_complete": mine,
                "can_assign": item.pk in supervised,
                "assignees": _assignees_for(item, candidates) if item.pk in supervised else [],
            }
        )
    return rows


def assignees_for_task(user: Viewer, item: WorkItem) -> list:
    """The officers a supervisor of ``item`` is offered to hand it to: active members whose
    role works on its kind, in its agency or in an area covering its village. The reassign
    form offers exactly these, and the service accepts no one else."""
    return _assignees_for(item, _assignee_candidates([item]))


def _assignee_candidates(items: list[WorkItem]) -> list:
    """Active memberships that could hold any of ``items``, in one query: case-team roles
    over an area covering an item's village, and members of an item's agency."""
    areas = {code for item in items for code in region_and_ancestors(item.region_id)}
    agency_ids = {item.agency_id for item in items if item.agency_id}
    return list(
        Membership.objects.active()
        .filter((Q(area_id__in=areas) & ~Q(role__in=AGENCY_ROLES)) | Q(agency_id__in=agency_ids))
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )


def _assignees_for(item: WorkItem, memberships: list) -> list:
    """Of ``memberships``, the users who may hold ``item`` (the one rule behind every
    reassign choice): their role works on its kind, and they are of its agency, or (a task
    of no agency) their area covers its village."""
    users: dict[int, Any] = {}
    for membership in memberships:
        if item.kind not in KINDS_BY_ROLE.get(membership.role, ()):
            continue
        if item.agency_id and membership.agency_id != item.agency_id:
            continue
        if not item.agency_id and (
            membership.role in AGENCY_ROLES or not code_within(item.region_id, membership.area_id)
        ):
            continue
        users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def tasks_visible_to(user: Viewer) -> WorkItemQuerySet:
    """Tasks the user may see: on their team's cases, or of their own agency's queue."""

    if not user.is_authenticated or not user.is_active:
        return WorkItem.objects.none()
    team_cases = Case.objects.filter(case_team_q(user)).values("pk")
    return WorkItem.objects.filter(Q(case_id__in=team_cases) | Q(agency_id__in=_agency_ids(user)))


def overdue_for_supervisor(user: Viewer, limit: int = 50) -> list[dict]:
    """The overdue tasks a supervisor can reassign, with who holds them and who could."""
    items = list(
        supervised_tasks(user)
        .filter(overdue_q(timezone.now()))
        .select_related("task__owner", "case", "agency", "region__parent")
        .order_by("due_at")[:limit]
    )
    candidates = _assignee_candidates(items) if items else []
    return [{"item": item, "assignees": _assignees_for(item, candidates)} for item in items]


def visible_task(user: Viewer, task_id: int) -> WorkItem:
    """The task if the user may act on it or see its case; otherwise WorkItem.DoesNotExist.

    One query whether the task is missing or out of scope, so neither the answer (pages and
    the API say 404) nor its timing tells the two apart.
    """

    return (
        WorkItem.objects.select_related("case", "referral__service", "referral__agency")
        .filter(queue_q(user) | Q(case__in=cases_visible_to(user)))
        .get(pk=task_id)
    )


def visible_task_or_404(user: Viewer, task_id: int) -> WorkItem:
    """``visible_task`` for a page or an endpoint: a task out of scope and one that does not
    exist both raise ``Http404``, by the same path."""
    try:
        return visible_task(user, task_id)
    except WorkItem.DoesNotExist:
        raise Http404 from None
