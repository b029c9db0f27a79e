"""Writes to the master data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from core.types import Viewer

from .models import UserPreference


def system_user() -> AbstractBaseUser:
    """The account background work acts as, so history never records an empty user.

    It cannot log in (no usable password, inactive).
    """
    user, created = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "Sistem", "last_name": "Simpul", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# The session key holding the signed-in user's chosen language (set at sign-in from their
# account, read on every request by config.middleware.UserLanguageMiddleware).
USER_LANGUAGE_SESSION_KEY = "simpul_language"


def set_user_language(*, user: Viewer, language: str) -> None:
    """Keep the interface language the user chose on their account."""
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
