"""pytest plugin: no log line written during the test run contains a full NIK.

Every logging handler of the application (the root logger's, and those of every logger with
handlers of its own, ``propagate=False`` ones included) is watched: just before the handler
writes a record, the line it writes (``handler.format(record)``, after its filters ran, the
masking filter included) is checked for a full NIK. Handlers are watched from the start of
the session, as they are added (``Logger.addHandler``) and again before each test, so
handlers configured later are watched too; pytest's own capture handlers are not (they
write nowhere but the test report).

A full NIK is 16 digits once percent-escapes are decoded, Unicode digits normalised (NFKC)
and the separators people type between digit groups (dashes of any kind, dots, plus signs,
underscores, spaces, zero-width and other invisible format characters) removed. This is
written independently of ``core.reporting.NIK_LIKE``, so a gap in the masking rule shows
up here rather than being shared by both.

If any line holds one, the session fails (exit status 1) and the summary names the logger
and the handler, with the number itself masked. Registered by ``tests/conftest.py``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

import pytest

# Between digit groups: - . + _, white space, and (as cases.nik.normalize_number strips
# them) any Unicode dash (category Pd) or invisible format character (Cf: zero-width space).
_SEPARATOR_CHARS = "".join(
    re.escape(chr(c)) for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) in ("Pd", "Cf")
)
_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[-.+_\s{_SEPARATOR_CHARS}]+(?=\d)")
_FULL_NIK = re.compile(r"\d{16}")
_ANY_DIGIT = re.compile(r"\d")
_WATCHED = "_simpul_log_guard"


def find_nik(text: str) -> str | None:
    """The first full NIK (16 digits, separators removed) in ``text``, or None."""
    plain = unicodedata.normalize("NFKC", unquote_plus(text))
    match = _FULL_NIK.search(_BETWEEN_DIGITS.sub("", plain))
    return match.group() if match else None


@dataclass
class Leak:
    logger: str
    handler: str
    line: str

    def __str__(self) -> str:
        # The report itself must not repeat the number: every digit is shown as "#".
        shown = _ANY_DIGIT.sub("#", self.line)[:300]
        return f"{self.logger} via {self.handler}: {shown!r}"


@dataclass
class LogWitness:
    """Watches handlers and keeps the lines that held a full NIK."""

    leaks: list[Leak] = field(default_factory=list)
    lines_checked: int = 0

    def watch(self, handler: logging.Handler) -> None:
        """Check every line ``handler`` writes from now on (once per handler)."""
        if getattr(handler, _WATCHED, False) or type(handler).__module__.startswith("_pytest"):
            return
        emit = handler.emit

        def checked_emit(record: logging.LogRecord) -> None:
            try:
                line = handler.format(record)
            except Exception:  # the handler's own emit reports formatting errors
                line = ""
            self.lines_checked += 1
            if find_nik(line):
                self.leaks.append(Leak(record.name, type(handler).__name__, line))
            emit(record)

        handler.emit = checked_emit  # type: ignore[method-assign]
        setattr(handler, _WATCHED, True)

    def watch_all(self) -> None:
        """Watch the root logger's handlers and those of every other logger."""
        loggers = [logging.getLogger()] + [
            logger
            for logger in list(logging.Logger.manager.loggerDict.values())
            if isinstance(logger, logging.Logger)
        ]
        for logger in loggers:
            for handler in logger.handlers:
                self.watch(handler)

    def exit_status(self, current: int) -> int:
        """The session's exit status: a failure if any line held a NIK."""
        return int(pytest.ExitCode.TESTS_FAILED) if self.leaks else current


WITNESS = LogWitness()


_add_handler = logging.Logger.addHandler


def _add_watched_handler(self: logging.Logger, handler: logging.Handler) -> None:
    WITNESS.watch(handler)
    _add_handler(self, handler)


def pytest_sessionstart(session: pytest.Session) -> None:
    WITNESS.watch_all()
    # A handler added later (dictConfig, a library, a test) is watched as it is added.
    logging.Logger.addHandler = _add_watched_handler  # type: ignore[method-assign]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    WITNESS.watch_all()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    logging.Logger.addHandler = _add_handler  # type: ignore[method-assign]
    session.exitstatus = WITNESS.exit_status(session.exitstatus)


def pytest_terminal_summary(terminalreporter) -> None:
    if WITNESS.leaks:
        terminalreporter.section("full NIK in log lines", sep="=", red=True, bold=True)
        for leak in WITNESS.leaks[:20]:
            terminalreporter.line(str(leak), red=True)
        terminalreporter.line(f"{len(WITNESS.leaks)} log line(s) held a full NIK: failed.")
    elif terminalreporter.verbosity >= 0:
        terminalreporter.line(
            f"log guard: {WITNESS.lines_checked} log lines checked, none held a full NIK"
        )
