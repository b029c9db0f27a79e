"""Bad input refused before it is read: oversized bodies (from Content-Length, before any
byte of the body is parsed) and JSON nested deeper than any Simpul request needs.

Limits (documented in the README's input limits):
- ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB): any body that is not a file upload;
- ``REQUEST_MAX_UPLOAD_BYTES`` (30 MB): a multipart body (a few 5 MB files at intake);
- ``JSON_MAX_DEPTH`` (20): nesting of arrays and objects in a JSON body;
- a NUL character in the path, the query string, a form's fields or a JSON body: no search,
  filter, id, code or case number holds one, and PostgreSQL cannot compare text with one
  (a 500 until refused here: text fields refuse it through Django's and DRF's
  ``ProhibitNullCharactersValidator``, but a choice from the database, e.g. a document type
  or a PPKS category by code, is looked up as it came).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

JSON_MAX_DEPTH = 20


def body_limit(content_type: str) -> int:
    """The largest body, in bytes, accepted with ``content_type``."""
    if content_type.lower().startswith("multipart/"):
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over the limit for its type, before
    anything reads the body: JSON on ``/api/``, a short page elsewhere. Goes first in
    MIDDLEWARE. A body without Content-Length is still capped by Django's own limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length < 0:
            return self._refuse(request, 400, _("Header Content-Length tidak valid."))
        if length > limit:
            message = _("Permintaan terlalu besar (maksimal %(size)s MB).") % {
                "size": f"{limit / (1024 * 1024):g}"
            }
            return self._refuse(request, 413, message)
        if "\x00" in request.path:  # a case number or code in the URL, looked up as text
            return self._refuse(
                request, 400, _("Alamat memuat karakter NUL, yang tidak diizinkan.")
            )
        refused = refuse_nul_fields(request, request.GET.lists())
        return refused or self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str, field: str = "") -> HttpResponse:
        """JSON on the API (keyed by the ``field`` at fault, else ``detail``), a short page
        elsewhere."""
        if request.path.startswith("/api/"):
            return JsonResponse({field or "detail": [message] if field else message}, status=status)
        page = f'<!doctype html><html lang="id"><meta charset="utf-8"><p>{escape(message)}</p>'
        return HttpResponse(page, status=status)


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul_fields(request: HttpRequest, fields: Any) -> HttpResponse | None:
    """400 naming the first parameter (name, values) of ``fields`` holding a NUL, else None."""
    for name, values in fields:
        if "\x00" in name or any("\x00" in value for value in values):
            return RequestSizeLimitMiddleware._refuse(
                request,
                400,
                _("Parameter %(name)s memuat karakter NUL, yang tidak diizinkan.")
                % {"name": name.replace("\x00", "")},
                field=name.replace("\x00", ""),
            )
    return None


class FormNulMiddleware:
    """400 for a NUL in a posted form's fields (not its files): a code looked up as text,
    e.g. a document type or a PPKS category, would reach the database as it came. Placed
    after ``IdempotencyMiddleware``, which reads the raw body first; a broken body is left
    to the view, which answers it (400) as before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            with contextlib.suppress(MultiPartParserError):
                refused = refuse_nul_fields(request, request.POST.lists())
                if refused is not None:
                    return refused
        return self.get_response(request)


def json_has_nul(data: Any) -> bool:
    """Whether any key or string of ``data`` (parsed JSON) holds a NUL character, which
    PostgreSQL refuses in text (a 500 if it reached a lookup); iterative."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_depth_exceeds(data: Any, limit: int) -> bool:
    """Whether ``data`` (parsed JSON) nests arrays/objects deeper than ``limit``; iterative,
    so no input can exhaust the stack."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit: too deep answers 400 naming the rule, never a
    RecursionError (500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        too_deep = ParseError(
            _("JSON bersarang terlalu dalam (maksimal %(depth)d tingkat).")
            % {"depth": JSON_MAX_DEPTH}
        )
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise too_deep from error
        if json_depth_exceeds(data, JSON_MAX_DEPTH):
            raise too_deep
        if json_has_nul(data):
            raise ParseError(_("JSON memuat karakter NUL, yang tidak diizinkan."))
        return data
