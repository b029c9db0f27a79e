from django.contrib import admin

from cases.admin_scope import ScopedAdminMixin

from .models import DeadlineRule, Notification, WorkItem
from .selectors import tasks_visible_to


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
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
class WorkItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: tasks move only through the workflow services."""

    def scope(self, request, queryset):
        return queryset.filter(pk__in=tasks_visible_to(request.user).values("pk"))

    list_display = ["kind", "case", "agency", "region", "due_at", "escalation_step"]
    list_filter = ["kind", "escalation_step"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "agency", "region"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def scope(self, request, queryset):
        return queryset.filter(recipient=request.user)

    list_display = ["recipient", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "case", "work_item"]
    list_select_related = ["recipient"]
