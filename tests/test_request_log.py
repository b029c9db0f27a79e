"""Fault 10: a NIK typed into a URL is never written to a request log.

The development server (runserver's ``django.server`` logger) and gunicorn (its access and
error logs, configured by ``config/gunicorn.conf.py``) write the request line and the
referrer of every request; each handler masks NIK-like numbers in any separator format.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

from core.reporting import MaskIdNumbers, mask_id_numbers
from tests.log_guard import find_nik

ROOT = Path(__file__).resolve().parent.parent
# Built at run time so the numbers do not appear whole in this file's source lines.
NIK = "1904" + "011208850001"

# The examples: a NIK in the query string and in the path, with dashes, dots, plus
# signs and URL-encoded separators between the digit groups.
URLS = [
    f"/?q={NIK}",
    f"/kasus/{NIK}/",
    "/?q=1904-0112-0885-0001",
    "/kasus/1904-0112-0885-0001/",
    "/?q=19.04.01.120885.0001",
    "/?q=1904+0112+0885+0001",
    "/?q=1904%200112%200885%200001",
    "/?q=1904%2D0112%2D0885%2D0001",
    "/?q=1904%2d0112%2e0885%2b0001",
]


@pytest.mark.parametrize(
    "text",
    [
        NIK,
        "1904-0112-0885-0001",
        "19.04.01.120885.0001",
        "1904+0112+0885+0001",
        "1904 0112 0885 0001",
        "1904%200112%200885%200001",
        "1904%2D0112%2D0885%2D0001",
        "1904_0112_0885_0001",
        "１９０４０１１２０８８５０００１",  # full-width digits
        "%EF%BC%91%EF%BC%99" + "0401120885" + "0001",
        # The review's exact inputs: an en dash and a zero-width space, raw and encoded.
        "1904%E2%80%930112%E2%80%930885%E2%80%930001",
        "1904\u20130112\u20130885\u20130001",
        "1904\u200b0112\u200b0885\u200b0001",
        "1904%E2%80%8B0112%E2%80%8B0885%E2%80%8B0001",
        "1904\u22120112\ufe630885\uff0d0001",
    ],
)
def test_every_separator_format_of_a_nik_is_masked(text):
    line = mask_id_numbers(f'"GET /?q={text} HTTP/1.1" 200 512')
    assert find_nik(line) is None
    assert line == '"GET /?q=**** HTTP/1.1" 200 512'


def test_ordinary_numbers_in_log_lines_are_kept():
    line = '[30/Nov/2026 10:15:02] "GET /kasus/SLRT-2026-000123/ HTTP/1.1" 200 81234'
    assert mask_id_numbers(line) == line
    assert mask_id_numbers("phone 081234567890, case 2026-000123") == (
        "phone 081234567890, case 2026-000123"
    )


def test_every_configured_log_handler_masks_id_numbers():
    """settings.LOGGING replaces Django's own handlers of "django" and "django.server"."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.handlers
    ]
    unmasked = [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)  # writes nothing
        and not any(isinstance(f, MaskIdNumbers) for f in handler.filters)
    ]
    assert unmasked == []
    assert logging.getLogger("django.server").handlers
    assert logging.getLogger("django.server").propagate is False


def _get(url: str, referer: str = "") -> int:
    request = urllib.request.Request(url, headers={"Referer": referer} if referer else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def runserver_log(settings, tmp_path):
    """The development server's request handler serving the app in a thread; yields its base
    URL and a function returning what the configured django.server handler wrote."""
    settings.STATIC_ROOT = tmp_path
    handlers = logging.getLogger("django.server").handlers
    written = io.StringIO()
    previous = [handler.setStream(written) for handler in handlers]
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", written.getvalue
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


def test_development_server_request_log_masks_nik_in_urls_and_referrer(runserver_log):
    base, written = runserver_log
    for url in URLS:
        # Anonymous: every page answers with the login redirect, touching no database.
        assert _get(base + url, referer=f"{base}/?nik={NIK}") in (301, 302)
    # The server logs a request after its answer is sent: wait for the last line.
    deadline = time.monotonic() + 10
    while written().count("GET /") < len(URLS) and time.monotonic() < deadline:
        time.sleep(0.05)
    log = written()
    lines = [line for line in log.splitlines() if "GET /" in line]
    assert len(lines) == len(URLS), log
    assert all("****" in line for line in lines), log
    assert find_nik(log) is None, log
    assert "/kasus/****/" in log


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_access_and_error_logs_mask_nik_in_urls_and_referrer(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ENV", "SECRET_KEY"}}
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="false",
    )
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, err.read_text()
                time.sleep(0.2)
        for url in URLS:
            assert _get(base + url, referer=f"{base}/?nik={NIK}") in (301, 302)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    access, errors = out.read_text(), err.read_text()
    lines = [line for line in access.splitlines() if '"GET /' in line]
    assert len(lines) == len(URLS), access + errors
    assert all(line.count("****") == 2 for line in lines), access  # the URL and the referrer
    assert "Booting worker" in errors
    assert find_nik(access) is None and find_nik(errors) is None


def test_redis_clients_log_through_the_masked_handler():
    """redis-py adds its own unmasked "push_response" handler when none is configured (the
    exact failure seen once a Redis client connected in the PostgreSQL pass)."""
    from redis.utils import _set_info_logger

    _set_info_logger()
    handlers = logging.getLogger("push_response").handlers
    assert handlers
    assert all(any(isinstance(f, MaskIdNumbers) for f in h.filters) for h in handlers)
