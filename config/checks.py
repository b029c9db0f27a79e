"""System checks for the keys that protect citizens' ID numbers at rest.

``FIELD_ENCRYPTION_KEYS`` (Fernet keys encrypting NIK and No. KK) and ``BLIND_INDEX_KEY``
(the HMAC key of the lookup index) are refused at Error level when they are weak or
malformed: every entry must be a valid Fernet key (32 random bytes, URL-safe base64), and
the blind-index key must be at least 32 characters long. With ``DJANGO_ENV=production``
the checks run on every ``manage.py`` command (``migrate``, ``check``, ...); elsewhere only
on ``check --deploy``. The messages name the variable and the entry's position, never a
key's value. ``SECRET_KEY`` is checked by Django's own ``security.W009``.

Registered by ``config.apps.SimpulConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register

MIN_BLIND_INDEX_KEY_LENGTH = 32


def key_errors() -> list[Error]:
    """What is wrong with ``FIELD_ENCRYPTION_KEYS`` and ``BLIND_INDEX_KEY``: one Error per
    fault (``simpul.E001`` encryption keys, ``simpul.E002`` blind-index key); [] if none."""
    errors: list[Error] = []
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or [])
    if not keys:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is empty.",
                hint="Set it to one or more comma-separated Fernet keys.",
                id="simpul.E001",
            )
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS entry {position} of {len(keys)} is not a valid "
                    "Fernet key (32 random bytes, URL-safe base64: 44 characters).",
                    hint=(
                        "Generate one with: python -c 'from cryptography.fernet import "
                        "Fernet; print(Fernet.generate_key().decode())'"
                    ),
                    id="simpul.E001",
                )
            )
    blind_index_key = str(getattr(settings, "BLIND_INDEX_KEY", "") or "")
    if len(blind_index_key) < MIN_BLIND_INDEX_KEY_LENGTH:
        errors.append(
            Error(
                f"BLIND_INDEX_KEY is shorter than {MIN_BLIND_INDEX_KEY_LENGTH} characters.",
                hint=(
                    "Use a long random value, e.g. python -c 'import secrets; "
                    "print(secrets.token_hex(32))'. Set it before the first NIK is stored: "
                    "the lookup index is computed with it."
                ),
                id="simpul.E002",
            )
        )
    return errors


def _production() -> bool:
    return bool(getattr(settings, "PRODUCTION", False))


@register(Tags.security)
def check_keys_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Every command of a production deployment refuses weak keys."""
    return key_errors() if _production() else []


@register(Tags.security, deploy=True)
def check_keys_on_deploy(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """``check --deploy`` refuses weak keys whatever DJANGO_ENV says (once, not twice)."""
    return [] if _production() else key_errors()
