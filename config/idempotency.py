"""``Idempotency-Key`` for every API POST.

A retry with the same key and the same body gets the first answer again without the work
being done twice; the same key with a different body answers 422. Keys are scoped to the
caller (their token or session), so two clients cannot collide. A second request arriving
while the first is still running answers 409.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _scope(request) -> str:
    credential = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get("sessionid", "")
    return hashlib.sha256(credential.encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        from cases.models import IdempotencyRecord

        if len(key) > 255:
            return JsonResponse({"Idempotency-Key": [_("Maksimal 255 karakter.")]}, status=400)
        body_hash = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        scope = _scope(request)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, request_hash=body_hash
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(scope=scope, key=key)
            if record.request_hash != body_hash:
                return JsonResponse(
                    {"Idempotency-Key": [_("Kunci ini sudah dipakai untuk permintaan lain.")]},
                    status=422,
                )
            if record.status_code is None:
                return JsonResponse(
                    {"detail": _("Permintaan dengan kunci ini masih diproses.")}, status=409
                )
            replay = HttpResponse(
                bytes(record.body), status=record.status_code, content_type=record.content_type
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()  # let the client retry a server failure
            return response
        record.status_code = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status_code", "content_type", "body"])
        return response
