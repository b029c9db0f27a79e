"""Admin changelists show only what the signed-in user may see, like every other page.

A superuser configures catalogues and accounts; case contents stay out of reach unless
their own memberships give them a case team role.
"""

from __future__ import annotations

from django.contrib import admin


class ScopedAdminMixin:
    """Subclasses name ``scope(request, queryset)`` returning the visible rows."""

    def scope(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass
