from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Referral


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ["case", "service", "agency", "status", "due_at", "sent_at"]
    list_filter = ["status", "agency"]
    search_fields = ["=case__number"]
    raw_id_fields = ["case", "sent_by"]
    readonly_fields = ["process"]
    list_select_related = ["case", "service", "agency"]


@admin.register(Delivery)
class DeliveryAdmin(SimpleHistoryAdmin):
    list_display = ["referral", "channel", "amount", "aid_type", "period", "delivered_at"]
    list_filter = ["channel", "aid_type"]
    search_fields = ["=referral__case__number"]
    raw_id_fields = ["referral", "person", "recorded_by", "double_aid_override_by"]
    list_select_related = ["referral__case", "referral__agency", "referral__service"]
