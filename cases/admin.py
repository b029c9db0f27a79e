from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import ScopedAdminMixin
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
from .selectors import cases_visible_to, people_visible_to


class CaseChildScope(ScopedAdminMixin):
    def scope(self, request, queryset):
        return queryset.filter(case__in=cases_visible_to(request.user))


class MemberInline(admin.TabularInline):
    model = Person
    fields = ["full_name", "relationship", "birth_date", "sex", "life_status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Family)
class FamilyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset):
        return queryset.filter(members__in=people_visible_to(request.user)).distinct()

    list_display = ["__str__", "registry_status", "decile", "registry_as_of"]
    list_filter = ["registry_status", "decile"]
    search_fields = ["registry_source"]
    inlines = [MemberInline]

    def get_search_results(self, request, queryset, search_term):
        """A 16-digit term is looked up by its blind index; the number is never stored."""
        term = search_term.strip()
        if term.isdigit() and len(term) == 16:
            return queryset.by_kk_number(term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset):
        return queryset.filter(pk__in=people_visible_to(request.user).values("pk"))

    list_display = ["full_name", "masked_nik", "birth_date", "sex", "region", "life_status"]
    list_filter = ["life_status", "sex"]
    search_fields = ["search_name"]
    raw_id_fields = ["region", "family", "created_by"]
    list_select_related = ["region"]
    show_full_result_count = False
    exclude = ["search_name"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term.isdigit() and len(term) == 16:
            return queryset.by_nik(term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Case)
class CaseAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset):
        return queryset.filter(pk__in=cases_visible_to(request.user).values("pk"))

    list_display = ["number", "kind", "stage", "status", "beneficiary", "region", "opened_at"]
    list_filter = ["kind", "stage", "status", "priority"]
    search_fields = ["=number"]
    raw_id_fields = ["applicant", "beneficiary", "region", "opened_by"]
    readonly_fields = ["number", "intake_warnings"]
    list_select_related = ["beneficiary", "region"]
    date_hierarchy = "opened_at"
    show_full_result_count = False


@admin.register(HomeVisit)
class HomeVisitAdmin(CaseChildScope, SimpleHistoryAdmin):
    list_display = ["case", "visited_at", "recommendation", "visited_by"]
    list_filter = ["recommendation"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "visited_by"]
    list_select_related = ["case", "visited_by"]


@admin.register(FollowUp)
class FollowUpAdmin(CaseChildScope, SimpleHistoryAdmin):
    list_display = ["case", "contacted_at", "outcome", "recorded_by"]
    list_filter = ["outcome"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "recorded_by"]
    list_select_related = ["case", "recorded_by"]


@admin.register(Note)
class NoteAdmin(CaseChildScope, SimpleHistoryAdmin):
    list_display = ["case", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "author"]
    list_select_related = ["case", "author"]


@admin.register(Attachment)
class AttachmentAdmin(CaseChildScope, SimpleHistoryAdmin):
    list_display = ["case", "kind", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "visit", "uploaded_by"]
    readonly_fields = ["original_name", "content_type", "size"]
    list_select_related = ["case", "uploaded_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """The audit trail of reads; append-only in the database as well."""

    list_display = ["at", "user", "action", "case", "person", "route"]
    list_filter = ["action"]
    search_fields = ["=case__number", "user__username"]
    list_select_related = ["user", "case", "person"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(CaseSequence)
class CaseSequenceAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "year", "last"]
