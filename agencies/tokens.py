"""API tokens (django-rest-knox): what ends them.

A token is created per login by ``agencies.api.TokenView`` and stored only as a digest. It ends
when it expires (``REST_KNOX["TOKEN_TTL"]``, 10 hours), when its user logs it out, logs out
everywhere, changes their password or is deactivated (``agencies.signals``). Expired rows are
refused by knox on use and purged by the periodic job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import get_token_model

from .models import UserPreference


def tokens_end_all(*, user_id: int) -> int:
    """End every API token of the user; returns how many were deleted."""
    deleted, _by_model = get_token_model().objects.filter(user_id=user_id).delete()
    return deleted


def tokens_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete tokens past their expiry (knox refuses them already); returns how many."""
    deleted, _by_model = get_token_model().objects.filter(expiry__lt=now or timezone.now()).delete()
    return deleted


class LanguageTokenAuthentication(TokenAuthentication):
    """knox's token authentication, answering in the language the user chose for their
    account (``UserPreference``) when the request names none (``Accept-Language``): a
    token request has no session to carry it (one query, on token requests only)."""

    def authenticate(self, request: Any) -> tuple | None:
        result = super().authenticate(request)
        if result is not None and not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            user = result[0]
            language = (
                UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
            )
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result


class LanguageTokenScheme(KnoxTokenScheme):
    """The API schema's token scheme for ``LanguageTokenAuthentication`` (knox's, by the
    same name: clients see no difference)."""

    target_class = "agencies.tokens.LanguageTokenAuthentication"
