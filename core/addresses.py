"""The client's address, the one rule for every per-address limit (sign-in, public pages)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``; with ``TRUSTED_PROXY_COUNT = n`` (n reverse
    proxies of ours in front, each appending to ``X-Forwarded-For``), the n-th address from
    the right of that header, the one our outermost proxy saw. Entries further left were
    written by the client and are never trusted."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def client_address(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the client's address (``client_ip``)."""
    return client_ip(request)
