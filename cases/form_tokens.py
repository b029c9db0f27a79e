"""One-time form tokens: an HTML form sent twice does its work once (issue 11, fault 5).

Every state-changing form carries a hidden ``form_token`` (``{% form_token %}`` from
``cases.templatetags.form_tokens``). ``@once_per_form_token`` on the view keeps it like the
API's ``Idempotency-Key`` (``config.idempotency``), in the same store: an
``IdempotencyRecord`` per user and key (``form:<path>:<token>``), kept 24 hours and purged
by the periodic job.

- The first POST with a token reserves the key, then runs the view. A redirect (the work
  was done, PRG) is kept with its address; any other answer (the form came back with
  errors) frees the key, so the corrected form is sent again with the same token.
- A repeat of a kept POST (a double tap, a POST re-sent after a dropped connection) is not
  run: it is redirected to the first one's result with "Formulir ini sudah dikirim".
- A repeat arriving while the first is still running waits for it (a browser shows the
  answer to the last request it sent, so the double tap must end on the result page too).

A form posted without a token (an old page, a script) is run as before.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .idempotency import idempotency_cutoff
from .models import IdempotencyRecord
from .pending_uploads import discard_pending_uploads

FIELD = "form_token"
TOKEN_PATTERN = re.compile(r"[0-9a-f]{32}")
# How long a repeat waits for the first request with its token to finish.
WAIT_SECONDS = 15.0
POLL_SECONDS = 0.1
FORM_MARK = "form"  # the record's content_type: an HTML form's kept redirect


def new_token() -> str:
    """32 random hex digits."""
    return secrets.token_hex(16)


def posted_token(request: HttpRequest) -> str:
    """The well-formed token this POST carries, or ""."""
    if request.method != "POST":
        return ""
    token = request.POST.get(FIELD, "")
    return token if TOKEN_PATTERN.fullmatch(token) else ""


def token_for_page(request: HttpRequest) -> str:
    """The token a rendered form carries: the posted one when a form comes back with
    errors (its pending uploads stay tied to it), else a new one."""
    return posted_token(request) or new_token()


def _key(request: HttpRequest, token: str) -> str:
    return f"form:{request.path}:{token}"[:255]


def _reserve(request: HttpRequest, key: str) -> IdempotencyRecord | HttpResponse:
    """The new record reserving ``key`` for this request, or the answer for a repeat."""
    user = request.user
    request_hash = hashlib.sha256(key.encode()).hexdigest()
    deadline = time.monotonic() + WAIT_SECONDS
    IdempotencyRecord.objects.filter(
        user=user, key=key, created_at__lte=idempotency_cutoff()
    ).delete()
    while True:
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=user, key=key, request_hash=request_hash
                )
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None and record.status_code is not None:
            messages.info(request, _("Formulir ini sudah dikirim."))
            return HttpResponseRedirect(bytes(record.body).decode())
        if record is not None and time.monotonic() > deadline:
            messages.warning(request, _("Formulir ini masih diproses. Muat ulang halaman nanti."))
            return HttpResponseRedirect(_referer_or_home(request))
        time.sleep(POLL_SECONDS)  # still running, or just freed: try again


def _referer_or_home(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def once_per_form_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run ``view`` once per user, path and posted token; see the module docstring.

    Goes below ``login_required`` (the token is kept per user)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = posted_token(request)
        if not token or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        reserved = _reserve(request, _key(request, token))
        if isinstance(reserved, HttpResponse):
            return reserved
        stored = IdempotencyRecord.objects.filter(pk=reserved.pk)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            stored.delete()
            raise
        if response.status_code in (301, 302, 303) and response.get("Location"):
            stored.update(
                status_code=response.status_code,
                content_type=FORM_MARK,
                body=response["Location"].encode(),
            )
            discard_pending_uploads(
                owner=request.user,
                token=token,
                fields=getattr(request, "kept_upload_fields", []),
            )
        else:
            stored.delete()  # the form came back: the same token is sent again
        return response

    return wrapper
