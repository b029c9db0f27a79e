"""The project's middleware: Bahasa Indonesia first (the browser's language preference
does not override it; a signed-in user's own choice, kept on their account, does), each
user's memberships read once per request, and a lost lock race (409) or an unreachable
database (503) answered as such, never as a 500."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from agencies.selectors import memberships_cached
from agencies.services import USER_LANGUAGE_SESSION_KEY
from core.api import lock_conflict_body
from core.conflicts import (
    DATABASE_UNAVAILABLE_CODE,
    DATABASE_UNAVAILABLE_MESSAGE,
    LOCK_CONFLICT_MESSAGE,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    is_database_unavailable,
    is_lock_conflict,
)

logger = logging.getLogger(__name__)


class IndonesianFirstMiddleware:
    """Drop a browser's ``Accept-Language`` so only the language the user chose (cookie,
    account) or the site's default applies: an office PC set up in English still shows
    Simpul in Indonesian. An API client's is kept: it says what the client reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):  # an API client names its language
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activate the language stored on the signed-in user's account (copied into the session
    at sign-in, so no query per request). Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(USER_LANGUAGE_SESSION_KEY)
        if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class MembershipCacheMiddleware:
    """Each user's memberships are read once per request, whichever page, endpoint or
    template asks (``agencies.selectors.active_memberships``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        with memberships_cached():
            return self.get_response(request)


class LockConflictMiddleware:
    """A view that lost a database lock race answers 409, and one that found the database
    unreachable answers 503, never 500 (issue 11: fault 1 and "database restart under load").

    The answers are ``database_error_response``'s. Last in ``MIDDLEWARE``, so it sees the
    view's exception before anything else does; what fails outside a view (another
    middleware, the session save) reaches ``config.views.server_error``, which asks the same
    function.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_error_response(request, exception)


def database_error_response(request, exception: BaseException):
    """The answer to a database error that is not the server's fault, or None.

    - A lock conflict (``core.conflicts.is_lock_conflict``): 409. API paths get the API's
      JSON body with ``Retry-After`` (DRF views already answer it through ``core.api``'s
      exception handler; this covers every other case under ``/api/``); a person who sent a
      form is sent back to the page it came from with the message; any other page answers
      the 409 page.
    - The database unreachable (``is_database_unavailable``): 503 with ``Retry-After``, JSON
      ``{"detail", "code": "database_unavailable"}`` on the API, a page that needs no
      database elsewhere.
    """
    if is_database_unavailable(exception):
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, exception)
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_SECONDS)}
        if request.path.startswith("/api/"):
            body = {"detail": str(DATABASE_UNAVAILABLE_MESSAGE), "code": DATABASE_UNAVAILABLE_CODE}
            return JsonResponse(body, status=503, headers=headers)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = headers["Retry-After"]
        return response
    if not is_lock_conflict(exception):
        return None
    logger.warning("Lock conflict on %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):
        return JsonResponse(
            lock_conflict_body(),
            status=409,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    back = request.headers.get("Referer", "")
    if request.method == "POST" and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        messages.error(request, LOCK_CONFLICT_MESSAGE)
        return HttpResponseRedirect(back)
    return render(request, "409.html", {"message": LOCK_CONFLICT_MESSAGE}, status=409)
