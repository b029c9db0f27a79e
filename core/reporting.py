"""Error reports (debug pages, admin e-mails) and log lines that never show a NIK or No. KK.

One definition of "looks like a NIK" (``NIK_LIKE``) serves both: a run of 16 or more digits,
ASCII or full-width / Arabic-Indic, raw or percent-encoded as in a request line, with any
dashes, dots, plus signs, underscores or spaces between them, raw or percent-encoded too
(``1904011208850001``, ``1904-0112-0885-0001``, ``19.04.01.120885.0001``,
``1904+0112+0885+0001``, ``1904%200112%200885%200001``, ``1904%2D0112...``). A longer
run is masked whole: a log line loses nothing anyone needs by it.

The error reporter (``DEFAULT_EXCEPTION_REPORTER_FILTER`` and ``..._REPORTER``) is active in
DEBUG too: it hides every header that carries a credential (``Authorization``, ``Cookie``,
...), every cookie's value, every POST field named like an ID number, and masks NIK-like
numbers in the path, the query string, file names, the exception's message and the local
variables of the traceback. ``MaskIdNumbers`` is the logging filter every handler carries
(``settings.LOGGING``, ``config/gunicorn.conf.py``).

This module imports no settings, so gunicorn's master process can load the filter.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

if TYPE_CHECKING:
    from django.http import HttpRequest

# One digit: ASCII or any Unicode decimal digit, or the percent-encoding of an ASCII digit
# (%30-%39) or of a full-width (U+FF10-FF19), Arabic-Indic (U+0660-0669) or Persian
# (U+06F0-06F9) digit in UTF-8.
_DIGIT = r"(?:\d|%3[0-9]|%EF%BC%9[0-9]|%D9%A[0-9]|%DB%B[0-9])"
# What people and browsers put between digit groups: - . + _ and white space; every other
# separator ``cases.nik.normalize_number`` strips (any Unicode dash, the soft hyphen and the
# invisible format characters: zero-width space and joiners, word joiner, BOM) and the
# full-width forms of - . + _; and the percent-encodings of all of them (%20 space, %2B +,
# %2D -, %2E ., %5F _, %C2%A0 no-break space, %C2%AD soft hyphen, %E2%80%80-%E2%80%95
# spaces, zero-width characters and dashes, %E2%81%A0-%E2%81%A4, %E2%88%92 minus,
# %E3%80%80 ideographic space, %EF%BB%BF BOM, %EF%BC%8B-%EF%BC%8E and %EF%BC%BF
# full-width + , - . and _).
_SEPARATOR = (
    r"(?:[-.+_\s\u00ad\u2010-\u2015\u2212\ufe58\ufe63\u200b-\u200f\u2060-\u2064\ufeff"
    r"\uff0b\uff0d\uff0e\uff3f]"
    r"|%2[0BDE]|%5F|%C2%A0|%C2%AD|%E2%80%8[0-9A-F]|%E2%80%9[0-5]|%E2%81%A[0-4]|%E2%88%92"
    r"|%E3%80%80|%EF%BB%BF|%EF%BC%8[BDE]|%EF%BC%BF)"
)
NIK_LIKE = re.compile(rf"{_DIGIT}(?:{_SEPARATOR}*{_DIGIT}){{15,}}", re.IGNORECASE)

ID_FIELD = re.compile(r"(^|[-_.])(nik|kk|kk_number|password)($|[-_.])", re.IGNORECASE)
# Request headers (META keys) whose value is a credential or a cookie.
CREDENTIAL_HEADER = re.compile(r"AUTH|COOKIE|TOKEN|KEY|SECRET|PASS|SIGNATURE|CSRF", re.I)

LOG_SUBSTITUTE = "****"


def mask_id_numbers(text: str, substitute: str = LOG_SUBSTITUTE) -> str:
    """``text`` with every NIK-like number (see ``NIK_LIKE``) replaced by ``substitute``."""
    return NIK_LIKE.sub(substitute, text)


def has_id_number(value: Any) -> bool:
    """Whether ``str(value)`` holds a NIK-like number."""
    return bool(NIK_LIKE.search(str(value)))


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|ENCRYPTION|BLIND", flags=re.I
    )

    def is_active(self, request: HttpRequest | None) -> bool:
        return True  # in DEBUG too: a developer's screen is no place for citizens' IDs

    def get_safe_request_meta(self, request: HttpRequest | None) -> dict[str, Any]:
        """Headers and WSGI variables: credentials hidden, NIK-like numbers masked (the path,
        the query string and the referrer are in here too)."""
        if request is None:
            return {}
        safe = {}
        for key, value in request.META.items():
            if CREDENTIAL_HEADER.search(key):
                safe[key] = self.cleansed_substitute
            elif isinstance(value, str):
                safe[key] = mask_id_numbers(value, self.cleansed_substitute)
            else:
                safe[key] = self.cleanse_setting(key, value)
        return safe

    def get_safe_cookies(self, request: HttpRequest | None) -> dict[str, str]:
        """Every cookie's value is hidden: the session and CSRF cookies are credentials."""
        if request is None:
            return {}
        return {name: self.cleansed_substitute for name in request.COOKIES}

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        params = super().get_post_parameters(request)
        if request is None or not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            values = cleansed.getlist(key) if hasattr(cleansed, "getlist") else [cleansed[key]]
            if ID_FIELD.search(key) or has_id_number(values):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def cleanse_special_types(self, request: HttpRequest | None, value: Any) -> Any:
        value = super().cleanse_special_types(request, value)
        if isinstance(value, str) and has_id_number(value):
            return mask_id_numbers(value, self.cleansed_substitute)
        return value

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if has_id_number(repr(value)) else value)
            for name, value in variables
        ]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Also masks ID numbers in the exception's own message (e.g. a database error), the
    request's path, query parameters, file names and address."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        hidden = self.filter.cleansed_substitute
        for key in ("exception_value", "exception_notes", "request_insecure_uri"):
            if isinstance(data.get(key), str):
                data[key] = mask_id_numbers(data[key], hidden)
        for frame in data.get("frames", []):
            if isinstance(frame.get("exc_cause"), Exception):
                frame["exc_cause"] = mask_id_numbers(str(frame["exc_cause"]), hidden)
        request = self.request
        if request is not None:
            data["request_GET_items"] = [
                (mask_id_numbers(key, hidden), hidden if has_id_number(values) else values)
                for key, values in request.GET.lists()
            ]
            data["request_FILES_items"] = [
                (key, mask_id_numbers(repr(upload), hidden))
                for key, upload in request.FILES.items()
            ]
            # The templates print request.path_info and test request.GET/FILES/COOKIES.
            data["request"] = SimpleNamespace(
                path_info=mask_id_numbers(request.path_info, hidden),
                META={"REQUEST_METHOD": request.META.get("REQUEST_METHOD", "")},
                GET=bool(request.GET),
                FILES=bool(request.FILES),
                COOKIES=bool(request.COOKIES),
            )
        return data


class MaskIdNumbers(logging.Filter):
    """Logging filter: no NIK-like number (``NIK_LIKE``: NIK, No. KK, in any separator
    format) reaches a log line or a traceback. Changes the record in place, so every handler
    after this one writes the masked text too; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the handler reports it as logging does
            return True
        if NIK_LIKE.search(message):
            record.msg, record.args = mask_id_numbers(message), ()
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            if NIK_LIKE.search(text):
                record.exc_text, record.exc_info = mask_id_numbers(text), None
        elif record.exc_text and NIK_LIKE.search(record.exc_text):
            record.exc_text = mask_id_numbers(record.exc_text)
        if record.stack_info and NIK_LIKE.search(record.stack_info):
            record.stack_info = mask_id_numbers(record.stack_info)
        return True
