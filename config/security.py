"""Sign-in protections that are not per account: an address-wide login rate limit and the
idle and absolute limits of a signed-in browser session.

django-axes locks an account after failed logins per username and address; it does not see
one address trying many usernames. ``LoginRateLimitMiddleware`` counts every POST to a
sign-in endpoint (the login page, the admin's login page, the API token endpoint) per client
address with django-ratelimit, in the default cache, and answers 429 past
``LOGIN_RATE_LIMIT`` (default 20 a minute): JSON under ``/api/``, a page elsewhere, with a
``Retry-After`` header. The address is ``core.addresses.client_ip``, which django-axes uses
too (``AXES_CLIENT_IP_CALLABLE``): behind ``TRUSTED_PROXY_COUNT`` reverse proxies, the address
the outermost of them saw.

``SessionTimeoutMiddleware`` ends a browser session after ``SESSION_IDLE_TIMEOUT`` seconds
(30 minutes) without a request and ``SESSION_ABSOLUTE_TIMEOUT`` seconds (12 hours) after
sign-in, whatever the activity. The last request's time is written to the session at most
once a minute (``TOUCH_INTERVAL``), not on every request, so an idle session ends 30 minutes
after the last request at the latest (up to a minute sooner). API tokens have their own
lifetime (``REST_KNOX``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from core.addresses import client_address

# URL names of the endpoints that take a password.
SIGN_IN_URL_NAMES = ("login", "admin:login", "api:token")
RATE_LIMIT_GROUP = "simpul.sign-in-by-address"

SIGNED_IN_AT = "simpul_signed_in_at"
LAST_SEEN_AT = "simpul_last_seen_at"
TOUCH_INTERVAL = 60  # seconds


def _sign_in_paths() -> frozenset[str]:
    paths = set()
    for name in SIGN_IN_URL_NAMES:
        try:
            paths.add(reverse(name))
        except NoReverseMatch:
            continue
    return frozenset(paths)


class LoginRateLimitMiddleware:
    """429 for the POSTs to a sign-in endpoint from one address past ``LOGIN_RATE_LIMIT``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            if self._paths is None:
                self._paths = _sign_in_paths()
            if request.path in self._paths:
                usage = get_usage(
                    request,
                    group=RATE_LIMIT_GROUP,
                    key=client_address,
                    rate=settings.LOGIN_RATE_LIMIT,
                    method="POST",
                    increment=True,
                )
                if usage is not None and usage["should_limit"]:
                    return too_many_sign_ins(request, seconds=max(usage["time_left"], 1))
        return self.get_response(request)


def too_many_sign_ins(request: HttpRequest, *, seconds: int) -> HttpResponse:
    """The 429 answer: how long to wait, as JSON under /api/ and as a page elsewhere."""
    minutes = max(1, math.ceil(seconds / 60))
    message = _(
        "Terlalu banyak percobaan masuk dari alamat ini. Tunggu %(minutes)d menit, lalu coba lagi."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "registration/rate_limited.html", {"message": message}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response


def start_session_clock(session) -> None:
    """Both limits count from now."""
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(time.time())


def on_user_logged_in(sender: type, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver (connected in ``config.apps``): a browser sign-in starts
    the session's clock in the same save as the login. API token logins, which have no
    signed-in session, are left alone."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        start_session_clock(session)


class SessionTimeoutMiddleware:
    """Signs a browser session out after the idle or the absolute limit (see the module
    docstring). Runs after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            self._enforce(request, now=int(time.time()))
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session and SIGNED_IN_AT not in session:
            start_session_clock(session)  # a session from before these limits
        return response

    @staticmethod
    def _enforce(request: HttpRequest, *, now: int) -> None:
        session = request.session
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT)
        if signed_in_at is None or last_seen_at is None:
            return  # the response phase starts the clock
        idle = now - last_seen_at > settings.SESSION_IDLE_TIMEOUT
        too_old = now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
        if idle or too_old:
            logout(request)
            if idle:
                message = _(
                    "Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)d menit. "
                    "Silakan masuk lagi."
                ) % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60}
            else:
                message = _("Sesi Anda berakhir setelah %(hours)d jam. Silakan masuk lagi.") % {
                    "hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600
                }
            messages.info(request, message)
        elif now - last_seen_at >= TOUCH_INTERVAL:
            session[LAST_SEEN_AT] = now
