"""What every API endpoint shares: error format, pagination, the lock-out answer."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.conflicts import (
    LOCK_CONFLICT_CODE,
    LOCK_CONFLICT_MESSAGE,
    RETRY_AFTER_SECONDS,
    is_lock_conflict,
)
from core.errors import (
    DomainError,
)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Domain errors answer their own status and body (``core.errors``); nothing answers an
    HTML page.

    A database lock conflict (``core.conflicts.is_lock_conflict``) answers 409
    ``{"detail": ..., "code": "lock_conflict"}`` with ``Retry-After``: nothing was written,
    the client may retry.
    """
    if isinstance(exc, DomainError):
        return Response(exc.body(), status=exc.status_code)
    if is_lock_conflict(exc):
        return Response(
            lock_conflict_body(),
            status=status.HTTP_409_CONFLICT,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, ObjectDoesNotExist):
        exc = Http404()
    if isinstance(exc, PermissionDenied):
        exc = APIException(detail=str(exc) or _("Tidak diizinkan."))
        exc.status_code = status.HTTP_403_FORBIDDEN
    return drf_exception_handler(exc, context)


def lock_conflict_body() -> dict[str, str]:
    """The API's answer to a lock conflict, for the handler above and the middleware."""
    return {"detail": str(LOCK_CONFLICT_MESSAGE), "code": LOCK_CONFLICT_CODE}


class NewestFirstCursor(CursorPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-opened_at", "-id")


class DueFirstCursor(CursorPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("due_at", "pk")


def lockout_response(
    request: HttpRequest, credentials: Any, *args: Any, **kwargs: Any
) -> HttpResponse:
    """After repeated failed logins: JSON for the API, a page for people."""
    message = _(
        "Terlalu banyak percobaan masuk yang gagal. Akun dikunci selama satu jam; "
        "coba lagi nanti atau hubungi administrator."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", status=429)


ERROR_BODY = {
    "type": "object",
    "description": _(
        "Either {detail: message} or field-keyed lists of messages, e.g. "
        '{"applicant.nik": ["NIK harus 16 digit"]}.'
    ),
    "additionalProperties": True,
}

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: messages keyed by field",
    "401": "Not authenticated",
    "403": "Authenticated, but this action is not allowed for you",
    "404": "Not found, or outside your scope",
    "409": "Conflict: the task is held by someone else or no longer open; a retry of a "
    "request still in progress; or the data is being changed by another request at this "
    "moment (code lock_conflict: nothing was written, retry)",
    "412": "If-Match does not match the current ETag",
    "415": "Unsupported media type",
    "422": "Idempotency-Key reused with a different request body",
    "428": "If-Match header required",
    "429": "Too many requests, or the account is locked after failed logins",
}


class SimpulAutoSchema(AutoSchema):
    """Documents the error answers every endpoint can give, so clients can rely on them."""

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "429"]
        if self.method == "POST":
            codes += ["409", "415", "422"]
        if self.method == "PATCH":
            codes += ["409", "412", "415", "428"]
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses


def flat_field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's errors keyed by dotted path, as the services key theirs
    (``{"referrals": [{"agency": ["..."]}]}`` → ``{"referrals.0.agency": ["..."]}``);
    a nested serializer's non-field errors are keyed by its own path."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            path = (
                prefix
                if key == "non_field_errors" and prefix
                else ".".join(part for part in (prefix, str(key)) if part)
            )
            for name, messages in flat_field_errors(value, path).items():
                flat.setdefault(name, []).extend(messages)
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, item in enumerate(errors):
            if not item:
                continue
            for name, messages in flat_field_errors(item, f"{prefix}.{index}").items():
                flat.setdefault(name, []).extend(messages)
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix: [str(message) for message in messages]}
