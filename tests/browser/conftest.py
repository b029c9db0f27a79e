"""Real-browser tests: pytest-playwright driving Debian's Chromium against ``live_server``.

Every test in this directory is marked ``browser`` and runs on a transactional database
(the live server's requests must see committed rows; ``serialized_rollback`` keeps the
seeded catalogues for the tests that follow). On SQLite the flush that ends each test would
trip the append-only triggers of the audit tables, so they are dropped for the flush only
(the tests themselves run with them) and restored afterwards. ``make test`` runs these tests
in the SQLite pass only; ``SKIP_BROWSER_TESTS=1`` (the PostgreSQL pass) skips them.

Chromium: ``$CHROMIUM_PATH`` (``scripts/chromium.sh`` finds or installs it and exports it),
else ``/usr/bin/chromium``, ``chromium`` or ``chromium-browser`` on PATH. Playwright's own
browser download is never used. Without Chromium the tests skip with the reason, except
under ``CI=true``, where they fail.

Playwright's sync API keeps an asyncio loop running in the main thread while it is started,
so Django would refuse ORM calls from the test body (SynchronousOnlyOperation) and would
hand the test body new database connections. The ``playwright`` fixture is therefore
narrowed to this package, sets ``DJANGO_ALLOW_ASYNC_UNSAFE`` only while it runs and keeps
the thread's own connections: the other test packages never see the loop.

Helpers for the tests: the ``browse`` fixture opens a page (optionally signed in through the
real login form) at desktop or phone width and fails the test on any uncaught JavaScript
error, server error or missing static file; ``screenshot(page, name)`` saves a full-page PNG
under ``test-artifacts/screenshots/`` (git-ignored) for a reviewer to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from playwright.sync_api import Browser, BrowserType, Page, Playwright, expect, sync_playwright
from pytest_django.plugin import pytest_collection_modifyitems as django_test_order

from cases.append_only import audit_tables, install_triggers, uninstall_triggers

CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")

DESKTOP = 1280
PHONE = 360
HEIGHT = {DESKTOP: 800, PHONE: 740}
TIMEOUT_MS = 15_000

# Quiet, self-contained Chromium: no sandbox (CI runs as root), no GPU, and none of the
# background traffic (updates, sync, QUIC probes) a test machine has no network for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> tuple[str | None, str]:
    """(path, "") of the Chromium to drive, or (None, why there is none)."""
    path = os.environ.get("CHROMIUM_PATH")
    if path:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path, ""
        return None, f"CHROMIUM_PATH={path} is not an executable file"
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate, ""
    return None, (
        "no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, chromium, chromium-browser); "
        "install Debian's `chromium` (scripts/chromium.sh does it as root)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    # Before every other implementation (so -m and pytest-django see them): the markers.
    skip = os.environ.get("SKIP_BROWSER_TESTS") == "1"
    reason = "SKIP_BROWSER_TESTS=1 (make test runs them in its SQLite pass only)"
    for item in items:
        if HERE not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if skip:
            item.add_marker(pytest.mark.skip(reason=reason))
    result = yield
    # After all of them: pytest groups the tests sharing pytest-playwright's session-scoped
    # ``browser_name`` parameter, which undoes pytest-django's order (transactional tests
    # after the others, so their flush cannot take rows from a test that expects them).
    # Sort again, keeping pytest's grouping within each kind.
    django_test_order(items)
    return result


# --- The database: committed rows, flushed after each test --------------------------------


def _set_audit_triggers(*, on: bool) -> None:
    """SQLite only: (re)install or drop the append-only triggers of the audit tables.

    A transactional test ends with Django's flush, which on SQLite DELETEs every row, and the
    triggers refuse DELETE on history tables (PostgreSQL's flush TRUNCATEs, which they allow).
    """
    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        (install_triggers if on else uninstall_triggers)(editor, audit_tables(connection))


@pytest.fixture(scope="package")
def _audit_triggers_restored(django_db_blocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():  # after the last test's flush
        _set_audit_triggers(on=True)


@pytest.fixture(autouse=True)
def _flushable_audit_tables(transactional_db, _audit_triggers_restored) -> Iterator[None]:
    """The test runs with the triggers; they are dropped just for the flush that follows."""
    _set_audit_triggers(on=True)
    yield
    _set_audit_triggers(on=False)


# --- Playwright, narrowed to this package -------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path, reason = find_chromium()
    if path is None:
        if CI:
            pytest.fail(f"{reason}; CI=true requires the browser tests to run", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: str) -> dict:
    """pytest-playwright's (--headed, --slowmo, ...) plus Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def playwright(chromium_path: str) -> Iterator[Playwright]:
    """pytest-playwright's ``playwright``, started for this package only (see the docstring)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django keeps a thread's connections in a context variable, so the
    # test body would get fresh connection objects: not the one the live server shares (the
    # in-memory SQLite database), nor the one holding the serialized catalogues that
    # serialized_rollback restores. Keep this thread's own.
    own = {alias: connections[alias] for alias in connections}
    pw = sync_playwright().start()
    for alias, wrapper in own.items():
        connections[alias] = wrapper
    try:
        yield pw
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    if browser_name != "chromium":
        pytest.skip("the browser tests drive Debian's Chromium only")
    return playwright.chromium


@pytest.fixture(scope="package")
def browser(browser_type: BrowserType, browser_type_launch_args: dict) -> Iterator[Browser]:
    browser = browser_type.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server) -> dict:
    return {"base_url": live_server.url, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


# --- Pages ----------------------------------------------------------------------------------


def login(page: Page, username: str, password: str | None = None) -> None:
    """Sign in through the real login form (the test users' password is ``x-<username>``)."""
    page.goto("/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password or f"x-{username}")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember a failed test body, so ``browse`` can screenshot its pages."""
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def browse(request, new_context, live_server) -> Iterator[Callable[..., Page]]:
    """``browse(username=None, width=DESKTOP)``: a page in a fresh browser context (its own
    cookies; a touch phone at ``PHONE`` width), signed in as ``username`` when given.

    The test fails on any uncaught JavaScript error, any 5xx answer and any static file that
    does not load, on any of its pages. When the test fails, each of its pages is saved as
    ``screenshots/failed/<test>-<n>.png``."""
    problems: list[str] = []
    pages: list[Page] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"JS error on {page.url}: {error}"))

        def on_response(response) -> None:
            if response.status >= 500 or ("/static/" in response.url and response.status >= 400):
                problems.append(f"HTTP {response.status} for {response.url}")

        page.on("response", on_response)

    def open_page(username: str | None = None, *, width: int = DESKTOP) -> Page:
        phone = width <= PHONE
        context = new_context(
            viewport={"width": width, "height": HEIGHT.get(width, 800)},
            is_mobile=phone,  # honours <meta name="viewport">, as a phone's browser does
            has_touch=phone,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        pages.append(page)
        watch(page)
        if username:
            login(page, username)
        return page

    yield open_page
    if request.node.stash.get(FAILED, False):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
        for n, page in enumerate(pages, start=1):
            if not page.is_closed():
                screenshot(page, f"failed/{name}-{n}")
    if problems:
        pytest.fail("problems in the browser:\n" + "\n".join(problems), pytrace=False)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``test-artifacts/screenshots/<name>.png``."""
    path = SCREENSHOT_DIR / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")
