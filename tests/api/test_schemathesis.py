"""Property-based run of the whole /api/schema/ against the app, in process (schemathesis).

Every operation of the OpenAPI schema gets the coverage phase's boundary and invalid values
and a bounded number of generated requests (valid and invalid), sent through Django's WSGI
application as the back-office user of the test fixtures. Each response must:

* not be a server error (5xx);
* have a status code, content type, headers and body that the schema documents.

The run is seeded and derandomized, so a failure reproduces on the next run of the same code.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.attachments import save_attachment
from config.wsgi import application
from tests.conftest import NIK_FEMALE, api_token, intake, open_task, person
from workflows import services as wf
from workflows.models import Notification, WorkItem

# Per operation: the fuzzing phase's budget (the coverage phase comes on top).
MAX_EXAMPLES = 25
SEED = 20240601

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Ids no database row can have: one past the 32-bit and the 64-bit integer range.
OUT_OF_RANGE_IDS = [2**31, 2**63]

# A one-pixel PNG, for an attachment the download endpoint can serve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae"
    "426082"
)

# The account the fuzzer's calls to POST /auth/token/ may log in as. Random credentials
# never name it, so axes' lock-out (per username and address) cannot hit the test users.
LOGIN_USER, LOGIN_PASSWORD = "schemathesis", "fuzz-login-password"

# Logging out ends the token it is sent with (or all of the account's): each such call spends
# a fresh token of the login account, so every call keeps a token to log out with.
LOGOUT_PATHS = {"/api/v1/auth/logout/", "/api/v1/auth/logout-all/"}


@pytest.fixture
def api_data(staff, settings, tmp_path):
    """Real objects for the path parameters: cases, tasks, a referral, a notice, a file."""
    settings.MEDIA_ROOT = tmp_path
    # One case waiting for verification ...
    waiting = intake(staff["petugas"]).case
    # ... and one referred to the health office (a referral and a referral-review task).
    referred = intake(
        staff["petugas"], applicant=person(full_name="Siti Aminah", nik=NIK_FEMALE, sex="F")
    ).case
    task = open_task(referred, "verification")
    wf.claim_task(actor=staff["peksos"], task_id=task.pk)
    wf.complete_verification(
        actor=staff["peksos"],
        task_id=task.pk,
        visited_at=timezone.now() - dt.timedelta(hours=2),
        findings="Rumah papan, atap bocor.",
        recommendation="eligible",
    )
    wf.complete_assessment(
        actor=staff["backoffice"],
        task_id=open_task(referred, "assessment").pk,
        resolution="refer",
        referrals=[{"service": "pbi-jk", "note": "Mohon diproses"}],
    )
    attachment = save_attachment(
        actor=staff["backoffice"],
        case_id=referred.pk,
        upload=SimpleUploadedFile("ktp.png", PNG, "image/png"),
        kind="ktp",
    )
    Notification.objects.create(
        recipient=staff["backoffice"], kind="info", message="Tes", case=waiting
    )
    get_user_model().objects.create_user(username=LOGIN_USER, password=LOGIN_PASSWORD)
    user = staff["backoffice"]
    return {
        "user": user,
        "number": [waiting.number, referred.number],
        "task_id": list(WorkItem.objects.values_list("pk", flat=True)),
        "referral_id": list(referred.referrals.values_list("pk", flat=True)),
        "notification_id": list(
            Notification.objects.filter(recipient=user).values_list("pk", flat=True)
        ),
        "id": [attachment.pk],
    }


@pytest.fixture
def wsgi_in_test_transaction(db):
    """Let requests reach the WSGI handler directly without ending the test's transaction.

    The handler's request signals run ``close_old_connections``, which closes a connection
    inside a transaction (the test's, on PostgreSQL); Django's test client disconnects it the
    same way while it handles a request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_data, wsgi_in_test_transaction):
    token = api_token(api_data["user"])
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Token {token}"},
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    )
    # The schema is served to signed-in users only.
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", application, config=config, headers={"Authorization": f"Token {token}"}
    )
    known = {name: values for name, values in api_data.items() if name != "user"}

    @schema.hook
    def before_generate_path_parameters(context, strategy):
        # Random path parameters only ever reach a 404; mix in the ids of real objects so
        # the success answers are exercised (and checked against the schema) too, and ids
        # just past the integer ranges (valid to the schema; the answer must be a 404).
        names = [p.name for p in context.operation.path_parameters]
        if not names or not all(known.get(name) for name in names):
            return strategy
        pools = {
            name: known[name] + ([] if name == "number" else OUT_OF_RANGE_IDS) for name in names
        }
        chosen = st.fixed_dictionaries({name: st.sampled_from(pools[name]) for name in names})
        return st.one_of(chosen, strategy)

    @schema.hook
    def before_generate_body(context, strategy):
        # Now and then a login that succeeds, so the 200 answer is checked too.
        if context.operation.path != "/api/v1/auth/token/":
            return strategy
        valid = st.just({"username": LOGIN_USER, "password": LOGIN_PASSWORD})
        return st.one_of(valid, strategy)

    # The login throttle counts in the cache: start from zero (so earlier tests do not change
    # what this one sees) and leave nothing behind for later tests.
    cache.clear()
    yield schema
    cache.clear()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_schema(case):
    headers = None
    if case.operation.path in LOGOUT_PATHS:
        login_user = get_user_model().objects.get(username=LOGIN_USER)
        headers = {"Authorization": f"Token {api_token(login_user)}"}
    case.call_and_validate(checks=CHECKS, headers=headers)
