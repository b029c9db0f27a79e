"""Error reports (debug pages, admin e-mails) that never show a NIK or No. KK.

Django hides settings and POST fields it knows to be secret; here also every POST field
named like an ID number and every 16-digit value in a traceback's local variables.
"""

from __future__ import annotations

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
ID_FIELD = re.compile(r"(^|[-_.])(nik|kk|kk_number|password)($|[-_.])", re.IGNORECASE)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|ENCRYPTION|BLIND", flags=re.I
    )

    def is_active(self, request) -> bool:
        return True  # in DEBUG too: a developer's screen is no place for citizens' IDs

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if request is None or not params:
            return params
        cleansed = params.copy()
        for key in cleansed:
            if ID_FIELD.search(key) or SIXTEEN_DIGITS.search(str(cleansed.getlist(key))):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def cleanse_special_types(self, request, value):
        value = super().cleanse_special_types(request, value)
        if isinstance(value, str) and SIXTEEN_DIGITS.search(value):
            return SIXTEEN_DIGITS.sub(self.cleansed_substitute, value)
        return value

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if SIXTEEN_DIGITS.search(repr(value)) else value)
            for name, value in variables
        ]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Also masks ID numbers in the exception's own message (e.g. a database error)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        for key in ("exception_value", "exception_notes"):
            if isinstance(data.get(key), str):
                data[key] = SIXTEEN_DIGITS.sub("********************", data[key])
        for frame in data.get("frames", []):
            if isinstance(frame.get("exc_cause"), Exception):
                frame["exc_cause"] = SIXTEEN_DIGITS.sub("****", str(frame["exc_cause"]))
        return data


class MaskIdNumbers(logging.Filter):
    """Logging filter: no 16-digit number (NIK, No. KK) reaches a log line or traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SIXTEEN_DIGITS.search(message):
            record.msg, record.args = SIXTEEN_DIGITS.sub("****", message), ()
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = SIXTEEN_DIGITS.sub("****", text)
            record.exc_info = None
        return True
