"""Shared fixtures: a small slice of the region list, demo-like staff, an intake helper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from agencies.models import Agency, Membership, Office, Role
from agencies.regions import load_regions
from cases.services import PersonInput
from workflows.services import open_case

REGIONS = [
    ("19", "KEPULAUAN BANGKA BELITUNG"),
    ("19.04", "KAB. BANGKA TENGAH"),
    ("19.04.01", "Koba"),
    ("19.04.01.1001", "Koba"),
    ("19.04.01.2003", "Nibung"),
    ("19.04.02", "Pangkalan Baru"),
    ("19.04.02.2004", "Air Mesu"),
    ("14", "RIAU"),
    ("14.03", "KAB. BENGKALIS"),
    ("14.03.01", "Bengkalis"),
    ("14.03.01.1001", "Kota Bengkalis"),
]

# Fails the session if any log line written during the run holds a full NIK.
pytest_plugins = ["tests.log_guard"]

NIBUNG = "19.04.01.2003"
KOBA_VILLAGE = "19.04.01.1001"
AIR_MESU = "19.04.02.2004"
KOTA_BENGKALIS = "14.03.01.1001"

# Born 12 Aug 1985, male / female, registered in Koba district (19.04.01).
NIK_MALE = "1904011208850001"
NIK_FEMALE = "1904015208850002"


@pytest.fixture(scope="session", autouse=True)
def _sqlite_test_files_removed():
    """SQLite's test database is a file in WAL mode (``settings.DATABASES``): Django removes
    the database file at the end of the run, this removes its -wal and -shm files with it."""
    yield
    database = django_settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME") or ""
    if database["ENGINE"].endswith("sqlite3") and "memory" not in name:
        for suffix in ("-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs seconds per test user; the tests need none of it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def indonesian_by_default():
    """Each test starts in the default language, whatever an earlier request switched to."""
    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture
def regions(db):
    load_regions(REGIONS)


def make_user(username: str, role: str, area: str, *, agency=None, office=None):
    user = get_user_model().objects.create_user(username=username, password="x-" + username)
    Membership.objects.create(user=user, role=role, area_id=area, agency=agency, office=office)
    return user


@pytest.fixture
def offices(regions):
    """The demo-like offices. They leave out the manager's decision on the services
    (penetapan layanan, on by default): most tests walk the flow past the assessment
    straight to the agencies; the decision's own tests (``tests/workflows/
    test_service_decision.py``) switch it on."""
    off = {"service_decision_step": False}
    return {
        "slrt": Office.objects.create(
            name="SLRT Bangka Tengah", kind="slrt", area_id="19.04", **off
        ),
        "nibung": Office.objects.create(
            name="Puskesos Nibung", kind="puskesos", area_id=NIBUNG, **off
        ),
        "slrt_bks": Office.objects.create(
            name="SLRT Bengkalis", kind="slrt", area_id="14.03", **off
        ),
    }


@pytest.fixture
def agencies(regions):
    return {
        "dinkes": Agency.objects.create(
            code="dinkes-bateng",
            name="Dinas Kesehatan Bangka Tengah",
            kind="dinkes",
            regency_id="19.04",
        ),
        "dinsos": Agency.objects.create(
            code="dinsos-bateng",
            name="Dinas Sosial Bangka Tengah",
            kind="dinsos",
            regency_id="19.04",
        ),
        "dinkes_bks": Agency.objects.create(
            code="dinkes-bengkalis",
            name="Dinas Kesehatan Bengkalis",
            kind="dinkes",
            regency_id="14.03",
        ),
    }


@pytest.fixture
def staff(offices, agencies):
    return {
        "petugas": make_user("petugas", Role.INTAKE, NIBUNG, office=offices["nibung"]),
        "peksos": make_user("peksos", Role.SOCIAL_WORKER, "19.04.01", office=offices["slrt"]),
        "backoffice": make_user("backoffice", Role.BACK_OFFICE, "19.04", office=offices["slrt"]),
        "manajer": make_user("manajer", Role.SUPERVISOR, "19.04", office=offices["slrt"]),
        "dinkes": make_user("dinkes", Role.AGENCY_STAFF, "19.04", agency=agencies["dinkes"]),
        "kadinkes": make_user("kadinkes", Role.AGENCY_APPROVER, "19.04", agency=agencies["dinkes"]),
        "dinsos": make_user("dinsos", Role.AGENCY_STAFF, "19.04", agency=agencies["dinsos"]),
        "peksos2": make_user("peksos2", Role.SOCIAL_WORKER, "19.04", office=offices["slrt"]),
        "petugas_bks": make_user(
            "petugas.bks", Role.INTAKE, KOTA_BENGKALIS, office=offices["slrt_bks"]
        ),
    }


def person(**overrides) -> PersonInput:
    data = {
        "full_name": "Budi Santoso",
        "nik": NIK_MALE,
        "birth_place": "Koba",
        "birth_date": dt.date(1985, 8, 12),
        "sex": "M",
        "phone": "081234567890",
        "region_code": NIBUNG,
        "rt": "002",
        "rw": "001",
        "street": "Jl. Raya Koba No. 5",
    }
    data.update(overrides)
    return PersonInput(**data)


def intake(actor, **overrides):
    """Open a service-request case for Budi Santoso through the real service, as an officer
    who has looked at any likely duplicate, open case for the same service or double aid
    and confirmed (tests of those questions pass the ``confirm_...`` flag as False)."""
    kwargs = {
        "actor": actor,
        "confirm_new_person": True,
        "confirm_open_case": True,
        "confirm_double_aid": True,
        "kind": "service_request",
        "channel": "walk_in",
        "ppks_category": "fakir-miskin",
        "description": "KIS PBI dinonaktifkan, perlu berobat.",
        "requested_services": ["pbi-jk"],
        "applicant": person(),
    }
    kwargs.update(overrides)
    return open_case(**kwargs)


def notice(recipients, label: str, case=None) -> None:
    """An overdue notice to ``recipients`` whose text names ``label`` (as its case number)."""
    from workflows.notifications import notify

    params = {"kind": "verification", "case": label, "due": "2026-05-13T10:00:00+07:00"}
    notify(recipients, kind="overdue", params=params, case=case)


def open_task(case, kind: str):
    """The one open task of ``kind`` on ``case``."""
    from workflows.models import WorkItem

    return WorkItem.objects.open().get(case=case, kind=kind)


def open_kinds(case) -> list[str]:
    from workflows.models import WorkItem

    return sorted(WorkItem.objects.open().filter(case=case).values_list("kind", flat=True))


def api_token(user) -> str:
    """A new API token for ``user`` (as a login gives): send it as ``Token <token>``."""
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)[1]


def referred_case(staff, *, nik: str, services: list[str], full_name: str = "Budi Santoso", **kw):
    """A service request visited and referred by the back office to the services' agencies."""
    case = intake(staff["petugas"], applicant=person(nik=nik, full_name=full_name), **kw).case
    from workflows import services as wf

    wf.complete_verification(
        actor=staff["peksos"],
        task_id=open_task(case, "verification").pk,
        visited_at=timezone.now(),
        findings="Rumah papan, atap bocor, anak demam.",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(case, "assessment").pk,
        resolution="refer",
        referrals=[{"service": code, "note": "Perlu segera berobat."} for code in services],
    )
    return case


def _set_audit_triggers(*, on: bool) -> None:
    """SQLite only: (re)install or drop the append-only triggers of the audit tables (a
    transactional test's closing flush DELETEs every row, which they refuse; PostgreSQL's
    flush TRUNCATEs, which they allow)."""
    from django.db import connection

    from cases.append_only import audit_tables, install_triggers, uninstall_triggers

    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        (install_triggers if on else uninstall_triggers)(editor, audit_tables(connection))


@pytest.fixture(scope="module")
def _audit_triggers_restored(django_db_blocker):
    yield
    with django_db_blocker.unblock():  # after the module's last flush
        _set_audit_triggers(on=True)


@pytest.fixture
def flushable_audit_tables(transactional_db, _audit_triggers_restored):
    """For tests on committed data (threads, live server): the test runs with the append-only
    triggers; they are dropped just for the flush that ends it, and restored after the module."""
    _set_audit_triggers(on=True)
    yield
    _set_audit_triggers(on=False)
