"""The suite-wide check (tests/log_guard.py) can fail: a planted NIK in a log line is caught,
and a session that writes one ends with a failing exit status."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from core.reporting import MaskIdNumbers
from tests.log_guard import LogWitness, find_nik

ROOT = Path(__file__).resolve().parent.parent
# Built at run time so the numbers do not appear whole in this file's source lines.
NIK = "1904" + "011208850001"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /?q={NIK} HTTP/1.1",
        "GET /kasus/1904-0112-0885-0001/ HTTP/1.1",
        "q=19.04.01.120885.0001",
        "q=1904+0112+0885+0001",
        "q=1904%200112%200885%200001",
        "q=1904%2D0112%2D0885%2D0001",
        "nik １９０４０１１２０８８５０００１",
    ],
)
def test_checker_finds_a_full_nik_in_any_separator_format(line):
    assert find_nik(line) == NIK


def test_checker_ignores_masked_lines_and_short_numbers():
    assert find_nik('"GET /?q=**** HTTP/1.1" 302 0') is None
    assert find_nik("2026-11-30 10:15:02,123 INFO phone 081234567890") is None


def _logger_with_handler(name: str, *, masked: bool) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    if masked:
        handler.addFilter(MaskIdNumbers())
    logger = logging.getLogger(name)
    logger.handlers, logger.propagate = [handler], False
    return logger, stream


def test_planted_nik_record_is_caught_and_fails_the_session():
    logger, stream = _logger_with_handler("tests.log_guard.planted", masked=False)
    witness = LogWitness()
    witness.watch(logger.handlers[0])
    try:
        logger.warning("Not Found: /kasus/%s/", "1904-0112-0885-0001")
    finally:
        logger.handlers = []
    assert find_nik(stream.getvalue()) == NIK  # the unmasked handler wrote it ...
    assert len(witness.leaks) == 1  # ... and the witness saw it
    assert NIK not in str(witness.leaks[0])  # the report does not repeat it
    assert witness.exit_status(int(pytest.ExitCode.OK)) == pytest.ExitCode.TESTS_FAILED


def test_masked_handler_passes_the_check():
    logger, stream = _logger_with_handler("tests.log_guard.masked", masked=True)
    witness = LogWitness()
    witness.watch(logger.handlers[0])
    try:
        logger.warning("Not Found: /kasus/%s/", "1904-0112-0885-0001")
    finally:
        logger.handlers = []
    assert stream.getvalue() == "Not Found: /kasus/****/\n"
    assert witness.leaks == [] and witness.lines_checked == 1
    assert witness.exit_status(int(pytest.ExitCode.OK)) == pytest.ExitCode.OK


LEAKY_TEST = """
import logging, sys

def test_logs_a_nik():
    handler = logging.StreamHandler(sys.stderr)  # no masking filter
    logger = logging.getLogger("leaky")
    logger.addHandler(handler)
    logger.warning("GET /?q=1904" "0112" "0885" "0001")
"""


def _run_pytest(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_planted.py").write_text(source)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.log_guard", "-p", "no:cacheprovider"]
        + ["-c", str(tmp_path / "pytest.ini"), str(tmp_path)],
        cwd=ROOT,
        # Only the guard: no Django, no browser (installed plugins are not loaded).
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_session_that_logs_a_nik_fails_although_its_tests_pass(tmp_path):
    result = _run_pytest(tmp_path, LEAKY_TEST)
    assert "1 passed" in result.stdout, result.stdout + result.stderr
    assert "full NIK in log lines" in result.stdout
    assert result.returncode == pytest.ExitCode.TESTS_FAILED


def test_a_session_without_nik_in_its_logs_passes(tmp_path):
    result = _run_pytest(tmp_path, LEAKY_TEST.replace('"0001"', '"x"'))
    assert result.returncode == pytest.ExitCode.OK, result.stdout + result.stderr
    assert "1 log lines checked, none held a full NIK" in result.stdout
