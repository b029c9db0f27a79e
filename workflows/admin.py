"""Admin pages of the workflow side. Deadline rules are configuration (editable, with their
history); tasks, notifications and viewflow's processes and tasks hold citizen data and
workflow state, so they are read-only, scoped like the pages and access-logged
(``cases.admin_scope``): a task moves only through the task engine's services (the pages and
the API), and its history (re-queued, escalated) is read here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin
from viewflow.workflow.admin import ProcessAdmin, TaskAdmin
from viewflow.workflow.models import Process, Task

from cases.admin_scope import ScopedAdminMixin, Subject, team_cases
from referrals.selectors import referrals_visible_to

from .models import DeadlineRule, Notification, WorkItem
from .selectors import tasks_visible_to


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "kind",
        "service",
        "agency",
        "complaint_tier",
        "working_days",
        "escalate_after_days",
    ]
    list_filter = ["kind"]
    list_editable = ["working_days", "escalate_after_days"]
    list_select_related = ["service", "agency"]


@admin.register(WorkItem)
class WorkItemAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Tasks the user may see (``tasks_visible_to``). Read-only: tasks move only through the
    workflow services (the pages and the API)."""

    list_display = ["kind", "case", "agency", "region", "due_at", "escalation_step"]
    list_filter = ["kind", "escalation_step"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "agency", "region"]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=tasks_visible_to(request.user).values("pk"))

    def access_subjects(self, request, obj: WorkItem) -> Iterable[Subject]:
        return [(obj.case, None)]


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The user's own notices, as in the inbox. Read-only."""

    list_display = ["recipient", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]

    def scope(self, request, queryset):
        return queryset.filter(recipient=request.user)

    def access_subjects(self, request, obj: Notification) -> Iterable[Subject]:
        return [(obj.case, None)]


def _process_case(process: Process):
    """The case a viewflow process runs for: its own (case flow) or its referral's."""
    case = getattr(process, "case", None)
    if case is None:
        referral = getattr(process, "referral", None)
        case = referral.case if referral is not None else None
    return case


# viewflow registers editable admins of its processes (``data`` steers the gateways) and
# tasks, unscoped: replaced by scoped, read-only ones.
admin.site.unregister(Process)
admin.site.unregister(Task)


@admin.register(Process)
class ScopedProcessAdmin(ScopedAdminMixin, ProcessAdmin):
    """Processes of cases the user sees whole or of referrals they may see. Read-only:
    the flow moves only through the task engine."""

    def scope(self, request, queryset):
        return queryset.filter(
            Q(case__in=team_cases(request.user))
            | Q(referral__in=referrals_visible_to(request.user))
        )

    def access_subjects(self, request, obj: Process) -> Iterable[Subject]:
        return [(_process_case(obj), None)]


@admin.register(Task)
class ScopedTaskAdmin(ScopedAdminMixin, TaskAdmin):
    """Tasks of the processes above. Read-only: tasks move only through the task engine."""

    def scope(self, request, queryset):
        return queryset.filter(
            Q(process__case__in=team_cases(request.user))
            | Q(process__referral__in=referrals_visible_to(request.user))
        )

    def access_subjects(self, request, obj: Task) -> Iterable[Subject]:
        return [(_process_case(obj.process), None)]
