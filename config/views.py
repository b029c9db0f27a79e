"""Error pages (JSON under /api/, the site's own pages elsewhere) and the language switch."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from agencies.services import USER_LANGUAGE_SESSION_KEY, set_user_language
from config.middleware import database_error_response

logger = logging.getLogger(__name__)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Django's handler500: an exception no view or middleware answered. A lock conflict or an
    unreachable database raised outside a view (a middleware, the session save) still gets
    its own answer (``config.middleware.database_error_response``), not a 500."""
    exception = sys.exc_info()[1]
    if exception is not None:
        try:
            answer = database_error_response(request, exception)
        except Exception:  # the error page must not fail in turn (e.g. no session)
            logger.exception("Could not answer the database error on %s", request.path)
            answer = None
        if answer is not None:
            return answer
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
        set_user_language(user=request.user, language=language)
        request.session[USER_LANGUAGE_SESSION_KEY] = language
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: the static icon (its hashed name is looked up at request time)."""
    return redirect(static("favicon.svg"), permanent=True)
