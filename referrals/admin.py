"""Admin pages of referrals and deliveries: read-only, scoped like the pages
(``referrals_visible_to``), access-logged (``cases.admin_scope``). Changes go through the
services: the pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.admin_scope import ScopedAdminMixin, Subject
from referrals.selectors import referrals_visible_to

from .models import Delivery, Referral


@admin.register(Referral)
class ReferralAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Referrals the user may see. Read-only, the status included: a referral moves only
    through the referral flow's services (the pages and the API)."""

    list_display = ["case", "service", "agency", "status", "due_at", "sent_at"]
    list_filter = ["status", "agency"]
    search_fields = ["=case__number"]
    readonly_fields = ["case", "service", "agency", "status"]
    list_select_related = ["case", "service", "agency"]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=referrals_visible_to(request.user).values("pk"))

    def access_subjects(self, request, obj: Referral) -> Iterable[Subject]:
        return [(obj.case, None)]


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Deliveries of referrals the user may see. Read-only: changes go through the services
    (the pages and the API)."""

    list_display = ["referral", "channel", "amount", "aid_type", "period", "delivered_at"]
    list_filter = ["channel", "aid_type"]
    search_fields = ["=referral__case__number"]
    list_select_related = ["referral__case", "referral__agency", "referral__service"]

    def scope(self, request, queryset):
        return queryset.filter(referral__in=referrals_visible_to(request.user))

    def access_subjects(self, request, obj: Delivery) -> Iterable[Subject]:
        return [(obj.referral.case, obj.person)]
