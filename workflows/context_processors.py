"""Template context for every page."""

from __future__ import annotations

from django.http import HttpRequest

from workflows import notifications


def unread_notifications(request: HttpRequest) -> dict:
    """Template context: the bell's unread count (one query per page)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_notifications": notifications.unread_count(request.user)}
