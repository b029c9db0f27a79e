from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency,
    DayOff,
    DocumentType,
    Membership,
    Office,
    PpksCategory,
    Region,
    RoutingRule,
    Service,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "regency", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["regency"]
    list_select_related = ["regency"]


@admin.register(Office)
class OfficeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["area"]
    list_select_related = ["area"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "agency", "office", "area", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user", "area", "agency", "office"]
    list_select_related = ["user", "agency", "office", "area"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(PpksCategory)
class PpksCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_sensitive", "sort_order", "is_active"]
    list_filter = ["is_sensitive", "is_active"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "agency_kind", "response_days", "aid_type", "is_active"]
    list_filter = ["agency_kind", "is_active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["required_documents"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "service", "ppks_category", "region", "agency", "is_active"]
    list_filter = ["is_active", "service"]
    raw_id_fields = ["region", "agency"]
    list_select_related = ["service", "ppks_category", "region", "agency"]


@admin.register(DayOff)
class DayOffAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "region"]
    date_hierarchy = "date"
    raw_id_fields = ["region"]
    list_select_related = ["region"]
