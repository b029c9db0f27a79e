"""Admin pages of the citizen registry and cases: read-only, scoped like the pages, masked
and access-logged (``cases.admin_scope``). Changes go through the services: the pages and
the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import CaseChildAdminMixin, ScopedAdminMixin, Subject, team_cases
from .models import (
    AccessLog,
    Attachment,
    Case,
    CaseSequence,
    Family,
    FollowUp,
    HomeVisit,
    Note,
    Person,
)
from .selectors import access_log_q, people_visible_to


class MemberInline(admin.TabularInline):
    """The family's members the user may see (``people_visible_to``), read-only."""

    model = Person
    fields = ["full_name", "relationship", "birth_date", "sex", "life_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=people_visible_to(request.user))

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Family)
class FamilyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Family cards with a member the user may see. Read-only: changes go through the
    services (the pages and the API). The No. KK is shown masked only."""

    masked_fields = ("kk_number",)
    list_display = ["kk_masked", "registry_status", "decile", "registry_as_of"]
    list_filter = ["registry_status", "decile"]
    search_fields = ["registry_source"]
    readonly_fields = ["kk_masked"]
    inlines = [MemberInline]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=people_visible_to(request.user).values("family_id"))

    def access_subjects(self, request, obj: Family) -> Iterable[Subject]:
        return [(None, member) for member in people_visible_to(request.user).filter(family=obj)]

    @admin.display(description=_("nomor KK"))
    def kk_masked(self, obj: Family) -> str:
        return obj.masked_kk_number


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """People on the user's team's cases (``people_visible_to``). Read-only: changes go
    through the services (the pages and the API). The NIK is shown masked only."""

    masked_fields = ("nik",)
    list_display = ["full_name", "nik_masked", "birth_date", "sex", "region", "life_status"]
    list_filter = ["life_status", "sex"]
    search_fields = ["search_name"]
    readonly_fields = ["nik_masked"]
    list_select_related = ["region"]
    show_full_result_count = False

    def scope(self, request, queryset):
        return queryset.filter(pk__in=people_visible_to(request.user).values("pk"))

    def access_subjects(self, request, obj: Person) -> Iterable[Subject]:
        return [(None, obj)]

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj: Person) -> str:
        return obj.masked_nik


@admin.register(Case)
class CaseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Cases the user sees whole (the case team). Read-only, the workflow fields (stage,
    status, outcome, region, round) included: changes go through the services (the pages
    and the API), which move the flow."""

    list_display = ["number", "kind", "stage", "status", "beneficiary", "region", "opened_at"]
    list_filter = ["kind", "stage", "status", "priority"]
    search_fields = ["=number"]
    readonly_fields = ["number", "stage", "status", "outcome", "region", "round"]
    list_select_related = ["beneficiary", "region"]
    date_hierarchy = "opened_at"
    show_full_result_count = False

    def scope(self, request, queryset):
        return queryset.filter(pk__in=team_cases(request.user).values("pk"))

    def access_subjects(self, request, obj: Case) -> Iterable[Subject]:
        return [(obj, obj.beneficiary)]


@admin.register(HomeVisit)
class HomeVisitAdmin(CaseChildAdminMixin, SimpleHistoryAdmin):
    """Home visits on cases the user sees whole. Read-only: changes go through the
    services (the pages and the API)."""

    list_display = ["case", "visited_at", "recommendation", "visited_by"]
    list_filter = ["recommendation"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "visited_by"]


@admin.register(FollowUp)
class FollowUpAdmin(CaseChildAdminMixin, SimpleHistoryAdmin):
    """Follow-ups on cases the user sees whole. Read-only: changes go through the
    services (the pages and the API)."""

    list_display = ["case", "contacted_at", "outcome", "recorded_by"]
    list_filter = ["outcome"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "recorded_by"]


@admin.register(Note)
class NoteAdmin(CaseChildAdminMixin, SimpleHistoryAdmin):
    """Notes on cases the user sees whole. Read-only: changes go through the services
    (the pages and the API)."""

    list_display = ["case", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "author"]


@admin.register(Attachment)
class AttachmentAdmin(CaseChildAdminMixin, SimpleHistoryAdmin):
    """Attachments on cases the user sees whole, downloaded only through the case page's
    access-checked route. Read-only: changes go through the services (the pages and the
    API). The stored name is not shown: history rows from before issue 10 keep the
    uploader's file name, which may hold a NIK."""

    hidden_fields = ("original_name",)
    list_display = ["case", "kind", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    list_select_related = ["case", "uploaded_by"]


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The audit trail of reads, scoped like the rest: entries about cases the user sees
    whole or people they may see. Append-only in the database as well."""

    list_display = ["at", "user", "action", "case", "person", "route"]
    list_filter = ["action"]
    search_fields = ["=case__number", "user__username"]
    list_select_related = ["user", "case", "person"]
    date_hierarchy = "at"
    show_full_result_count = False

    def scope(self, request, queryset):
        return queryset.filter(access_log_q(request.user))

    def access_subjects(self, request, obj: AccessLog) -> Iterable[Subject]:
        return [(obj.case, obj.person)]


@admin.register(CaseSequence)
class CaseSequenceAdmin(admin.ModelAdmin):
    """Case-number counters: configuration, no citizen data; changed only by intake."""

    list_display = ["prefix", "year", "last"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
