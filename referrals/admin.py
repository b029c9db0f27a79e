from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin_scope import ScopedAdminMixin
from cases.selectors import referrals_visible_to

from .models import Delivery, Referral


@admin.register(Referral)
class ReferralAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset):
        return queryset.filter(pk__in=referrals_visible_to(request.user).values("pk"))

    list_display = ["case", "service", "agency", "status", "due_at", "sent_at"]
    list_filter = ["status", "agency"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "sent_by"]
    readonly_fields = ["process"]
    list_select_related = ["case", "service", "agency"]


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def scope(self, request, queryset):
        return queryset.filter(referral__in=referrals_visible_to(request.user))

    list_display = ["referral", "channel", "amount", "aid_type", "period", "delivered_at"]
    list_filter = ["channel", "aid_type"]
    search_fields = ["=referral__case__number"]
    raw_id_fields = ["referral", "person", "recorded_by", "double_aid_override_by"]
    list_select_related = ["referral__case", "referral__agency", "referral__service"]
