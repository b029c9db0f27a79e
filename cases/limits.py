"""Input limits in one table: how long each free text may be and which dates are plausible.

Models (a ``MaxLengthValidator``, since a TextField's ``max_length`` binds only forms),
forms, API serializers and so the OpenAPI schema (``maxLength``) all read these numbers, so
they cannot disagree. The numbers are generous for what an officer writes by hand, and small
enough that a page, an export or a referral letter renders in well under a second.

=============================================  ======
Free text                                      chars
=============================================  ======
case description (uraian kebutuhan)             4000
visit findings, household conditions            4000
notes: case, follow-up, referral, delivery,     4000
task notes, complaint handling and response
reasons: waiver, deceased override, referral    1000
decision, double-aid override, move request
delivered items                                  255
=============================================  ======

Dates: a birth date lies between 1900-01-01 and today (``validate_birth_date``); an event
of a case (home visit, delivery, follow-up contact) lies between the moment the case was
opened (for a delivery: its referral was accepted) and now (``event_time_errors``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DESCRIPTION = 4000
FINDINGS = 4000
NOTE = 4000
REASON = 1000
ITEMS = 255
SUBJECT = 200

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
# A phone's clock may run a little ahead of the server's: an event time up to this far in
# the future is taken as "now".
CLOCK_SKEW = dt.timedelta(minutes=5)


def limited_text(verbose_name, limit: int, **kwargs) -> models.TextField:
    """A TextField whose limit also holds outside forms (``full_clean``, admin, services
    that validate). A validator only, no ``max_length``: a validator changes no column, so
    its migration is a no-op on both databases (a TextField's ``max_length`` would make
    SQLite rebuild the table, and drop a history table's append-only triggers)."""
    return models.TextField(verbose_name, validators=[MaxLengthValidator(limit)], **kwargs)


def validate_birth_date(value: dt.date | None) -> None:
    """Born on or after 1900-01-01 and not in the future (today in the office's zone)."""
    if value is None:
        return
    today = timezone.localdate()
    if not EARLIEST_BIRTH_DATE <= value <= today:
        raise ValidationError(
            _("Tanggal lahir harus antara %(earliest)s dan hari ini."),
            code="birth_date_range",
            params={"earliest": date_format(EARLIEST_BIRTH_DATE, "j M Y")},
        )


def event_time_errors(
    at: dt.datetime, *, not_before: dt.datetime | None = None, not_before_label=""
) -> list[str]:
    """Why ``at``, the time an officer typed for an event, cannot be true; [] when it can.

    An event of a case happened after the case was opened (or, for a delivery, after its
    referral was accepted: ``not_before`` and its name ``not_before_label``, e.g. "kasus
    dibuka") and not in the future (``CLOCK_SKEW`` allowed). Without ``not_before`` only the
    future is checked (a service checks that before it may read the case). Times are aware
    datetimes; the message shows ``not_before`` in the office's time zone, to the minute.
    Source: issue 11 fault 7 ("events not before the case opened and not in the future").
    """
    errors = []
    if at > timezone.now() + CLOCK_SKEW:
        errors.append(gettext("Waktu tidak boleh di masa depan."))
    # Forms take times to the minute: an event in the minute the case was opened is fine.
    if not_before is not None and at < not_before.replace(second=0, microsecond=0):
        errors.append(
            gettext("Waktu tidak boleh sebelum %(event)s (%(at)s).")
            % {
                "event": not_before_label,
                "at": date_format(timezone.localtime(not_before), "j M Y H:i"),
            }
        )
    return errors
