from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken
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
    list_display = ["name", "kind", "area", "service_decision_step", "is_active"]
    list_filter = ["kind", "service_decision_step", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["area"]
    list_select_related = ["area"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Staff memberships. Nobody grants or changes their own (four eyes): an administrator
    who configures sees no citizen data, and cannot give themselves a case-team role to do
    so; another administrator must, and the history says who did."""

    list_display = ["user", "role", "agency", "office", "area", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user", "area", "agency", "office"]
    list_select_related = ["user", "agency", "office", "area"]

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.user_id == request.user.pk

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._own(request, obj) and super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)

        class MembershipForm(base):
            def clean(self):
                cleaned = super().clean()
                if cleaned.get("user") is not None and cleaned["user"].pk == request.user.pk:
                    raise ValidationError(
                        _("Keanggotaan Anda sendiri diatur oleh administrator lain."),
                        code="own_membership",
                    )
                return cleaned

        return MembershipForm


@admin.register(DocumentType)
class DocumentTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(PpksCategory)
class PpksCategoryAdmin(SimpleHistoryAdmin):
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


# API tokens: knox registers an admin that lists each token's digest and lets an administrator
# create tokens for anyone (showing the secret once). Ours shows whose token it is and when it
# ends, nothing of the secret, and only lets an administrator revoke tokens.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    list_display_links = None
    list_select_related = ["user"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    fields = ["user", "created", "expiry"]
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        # The list only: a token's own page would carry its digest in the URL and the title.
        return obj is None and super().has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        # Revoked from the list (below); Django's delete pages would name the token's digest.
        return obj is None and super().has_delete_permission(request)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Cabut token API terpilih"), permissions=["delete"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[AuthToken]) -> None:
        """Delete the chosen tokens; the admin log names the owner and creation time only."""
        content_type = ContentType.objects.get_for_model(AuthToken)
        entries = [
            LogEntry(
                user_id=request.user.pk,
                content_type=content_type,
                object_repr=f"{token.user} {token.created:%Y-%m-%d %H:%M}",
                action_flag=DELETION,
            )
            for token in queryset.select_related("user")
        ]
        queryset.delete()
        LogEntry.objects.bulk_create(entries)
        self.message_user(
            request,
            ngettext("%(count)d token API dicabut.", "%(count)d token API dicabut.", len(entries))
            % {"count": len(entries)},
            messages.SUCCESS,
        )
