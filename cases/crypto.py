"""Encryption at rest for NIK and No. KK, with a keyed blind index for exact lookup.

Values are encrypted with Fernet (AES-128-CBC + HMAC) under ``FIELD_ENCRYPTION_KEYS``; the
first key encrypts, every key decrypts, so a key is rotated by putting a new one first and
running ``manage.py rotate_encryption_keys`` (history rows, which are append-only, keep
the old key readable: never drop a key that history rows were written with). Lookups go
through ``blind_index``: an HMAC-SHA256 of the normalised value under ``BLIND_INDEX_KEY``,
stored beside the ciphertext. The database never holds the plain number.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

from .nik import normalize_number


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted: is its key still in FIELD_ENCRYPTION_KEYS?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first (current) key."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def blind_index(value: str) -> str:
    """The keyed hash a NIK or No. KK is found by, always of the normalised number
    (``cases.nik.normalize_number``): ``１９０４…`` and ``1904 …`` get the index of
    ``1904…``, so no caller can index a raw spelling and make a second person.

    What is stored is ASCII digits only (``Person.save`` and ``Family.save`` refuse
    anything else), so a lookup with another script's digits simply finds nobody.
    """
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, normalize_number(value).encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text value stored encrypted. It cannot be filtered on: use its blind index."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted; look it up by its blind index."
            )
        return super().get_lookup(lookup_name)
