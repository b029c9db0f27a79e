"""``Idempotency-Key`` for every API POST.

A retry with the same key and the same body gets the first answer again without the work
being done twice; the same key with a different body answers 422. A second request arriving
while the first is still running waits for it and gets its answer. The record and the
request's work commit together or not at all, so a request cut off mid-way (a worker killed,
the database lost) can be retried with its key (issue 11, "crash mid-transition").

Replays happen only after authentication and only to the user who sent the first request
(issue 10, fault 7): the caller is authenticated here by the API's own authenticators (an API
token, then the session with its CSRF check). A request that does not authenticate passes
through untouched, and the view refuses it (401/403) without any stored answer. Records are
kept per user and key and expire after 24 hours (``cases.idempotency``, purged by the
periodic job). Login and logout are never recorded: a login's answer carries a token.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.settings import api_settings

from cases.idempotency import idempotency_cutoff
from cases.models import IdempotencyRecord
from core.api import lock_conflict_body
from core.conflicts import RETRY_AFTER_SECONDS, is_lock_conflict

HEADER = "HTTP_IDEMPOTENCY_KEY"
NOT_RECORDED = ("/api/v1/auth/",)
# Answers that did no work are not kept, so a retry (e.g. after signing in again, or with the
# CSRF token) is answered afresh: server failures, refused credentials or permissions, and
# answers that ask to be retried (Retry-After: a lock conflict, a rate limit).
NOT_KEPT = {401, 403}


def _authenticated_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The user the API would see for this request, or None (no or refused credentials).

    Reads only headers and the session, never the body, and changes nothing on ``request``:
    the API's token authenticators in order (as DRF tries them), then the signed-in
    session. The session's CSRF check stays with the view; a request that fails it is
    answered 403 by the view and that answer is not kept (see ``NOT_KEPT``).
    """
    for authenticator_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if issubclass(authenticator_class, SessionAuthentication):
            continue
        try:
            found = authenticator_class().authenticate(request)
        except exceptions.APIException:  # a bad, expired or ended token
            return None
        if found is not None:
            return found[0] if found[0].is_authenticated and found[0].is_active else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.is_active else None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self._handle(request)
        except OperationalError as error:
            # Its own record writes wait for the database's lock like any other write.
            if not is_lock_conflict(error):
                raise
            return JsonResponse(
                lock_conflict_body(), status=409, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )

    def _handle(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER, "").strip()
        if (
            request.method != "POST"
            or not key
            or not request.path.startswith("/api/")
            or request.path.startswith(NOT_RECORDED)
        ):
            return self.get_response(request)
        if len(key) > 255:
            return JsonResponse({"Idempotency-Key": [_("Maksimal 255 karakter.")]}, status=400)
        user = _authenticated_user(request)
        if user is None:
            return self.get_response(request)
        body_hash = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        # The record and the request's work are one transaction: a request cut off on its way
        # (the worker killed, the connection or the database lost) leaves neither, so a retry
        # with the key does the work afresh; one that finished leaves both, so a retry gets
        # its answer. A second request with the key waits for the first to end, then gets
        # its answer too.
        with transaction.atomic():
            return self._run_once(request, user, key, body_hash)

    def _run_once(
        self, request: HttpRequest, user: AbstractBaseUser, key: str, body_hash: str
    ) -> HttpResponse:
        # An expired record is treated as absent: the key starts afresh.
        IdempotencyRecord.objects.filter(
            user=user, key=key, created_at__lte=idempotency_cutoff()
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, request_hash=body_hash
                )
        except IntegrityError:
            return self._replay(user, key, body_hash)
        response = self.get_response(request)
        if (
            response.status_code >= 500
            or response.status_code in NOT_KEPT
            or response.has_header("Retry-After")  # a lock conflict or a limit: try again
            or getattr(response, "streaming", False)
        ):
            # Nothing of this request stays, its record included: the client may retry.
            transaction.set_rollback(True)
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
        return response

    @staticmethod
    def _replay(user: AbstractBaseUser, key: str, body_hash: str) -> HttpResponse:
        """The stored answer of this user's earlier request with ``key``, or why there is none."""
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None and record.request_hash != body_hash:
            return JsonResponse(
                {"Idempotency-Key": [_("Kunci ini sudah dipakai untuk permintaan lain.")]},
                status=422,
            )
        if record is None or record.status_code is None:
            # The first request ended without an answer to keep (it was rolled back just now):
            # the client retries.
            return JsonResponse(
                {"detail": _("Permintaan dengan kunci ini masih diproses.")}, status=409
            )
        replay = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        replay["Idempotent-Replayed"] = "true"
        return replay
