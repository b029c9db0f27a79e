"""Error pages (JSON under /api/, the site's own pages elsewhere) and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from config.middleware import USER_LANGUAGE_SESSION_KEY


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Terjadi kesalahan pada server.")}, status=500)
    return render(request, "500.html", status=500)


@require_POST
def set_language(request):
    """Django's language switch, plus: a signed-in user's choice is kept on their account
    (``agencies.UserPreference``) and follows them to every device they sign in on."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        from agencies.services import set_user_language

        set_user_language(user=request.user, language=language)
        request.session[USER_LANGUAGE_SESSION_KEY] = language
    return response
