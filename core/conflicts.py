"""The one rule for a database lock conflict: which errors are one, and what the caller is told.

Two requests writing the same rows at once are a normal part of an office's day (issue 11,
fault 1). SQLite takes the write lock when a transaction begins and waits for it
(``settings.DATABASES``: IMMEDIATE, WAL, busy timeout), PostgreSQL waits for row locks; what
still fails after the wait is a conflict, not a server error. It answers 409 with
``LOCK_CONFLICT_MESSAGE``: JSON on the API (``core.api.exception_handler`` for API views,
``config.middleware.LockConflictMiddleware`` for every other view), a page for people. The
request's transaction was rolled back, so nothing of it was written: retrying is safe.

A lock conflict is:
- SQLite: ``OperationalError`` "database is locked" / "database table is locked" (the busy
  timeout ran out, or shared-cache table locks);
- PostgreSQL: SQLSTATE 40001 serialization_failure, 40P01 deadlock_detected, 55P03
  lock_not_available (``lock_timeout``, ``NOWAIT``), whichever Django wraps them in.

A database that cannot be reached (restarting, down, connection lost mid-request) is not a
server error either: ``is_database_unavailable`` answers 503 with ``Retry-After`` and
``DATABASE_UNAVAILABLE_MESSAGE`` (issue 11, "database restart under load"). The request's
transaction did not commit. Connections are health-checked before reuse
(``settings.DATABASES``: ``CONN_HEALTH_CHECKS``), so the next request after the database is
back reconnects without a manual step.

viewflow's own ``FlowLockFailed`` is not one of these: the task engine turns it into
``TaskTaken`` (``workflows.services.engine._locked_task``), which names the holder.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from psycopg import InterfaceError as DriverInterfaceError
from psycopg import OperationalError as DriverOperationalError

LOCK_CONFLICT_MESSAGE = _("Data sedang diubah orang lain; coba lagi.")
# Machine-readable reason in the API's 409 body, next to ``detail``.
LOCK_CONFLICT_CODE = "lock_conflict"
# The API's 409 says when to retry: the other writer's transaction is short.
RETRY_AFTER_SECONDS = 1

DATABASE_UNAVAILABLE_MESSAGE = _(
    "Basis data sedang tidak dapat dihubungi; tidak ada yang tersimpan. Coba lagi sebentar lagi."
)
DATABASE_UNAVAILABLE_CODE = "database_unavailable"
# A restart of the database takes seconds.
UNAVAILABLE_RETRY_AFTER_SECONDS = 5

SQLITE_LOCK_MESSAGES = ("database is locked", "database table is locked")
POSTGRES_LOCK_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
# SQLSTATE classes 08 (connection exception) and 57P (admin_shutdown, crash_shutdown,
# cannot_connect_now, database_dropped).
POSTGRES_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P")
SQLITE_UNAVAILABLE_MESSAGES = ("unable to open database file", "disk I/O error")


def is_lock_conflict(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error it wraps) means "another writer holds the lock"."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "sqlstate", None) in POSTGRES_LOCK_SQLSTATES:
            return True
        if isinstance(error, OperationalError) and str(error).startswith(SQLITE_LOCK_MESSAGES):
            return True
        error = error.__cause__  # Django wraps the driver's error: raise ... from it
    return False


def is_database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or the driver error it wraps) means "the database cannot be reached":
    PostgreSQL refusing or dropping the connection (SQLSTATE class 08 or 57P, or a psycopg
    connection error, which carries no SQLSTATE since the server never answered), or SQLite
    unable to open or read its file."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, (OperationalError, InterfaceError)) and str(error).startswith(
            SQLITE_UNAVAILABLE_MESSAGES
        ):
            return True
        if type(error).__module__.startswith("psycopg") and isinstance(
            error, (DriverOperationalError, DriverInterfaceError)
        ):
            sqlstate = getattr(error, "sqlstate", None)
            if sqlstate is None or sqlstate.startswith(POSTGRES_UNAVAILABLE_SQLSTATE_PREFIXES):
                return True
        error = error.__cause__
    return False
