"""Property-based run of the whole /api/schema/ against the app, in process (schemathesis).

Two runs, both sent through Django's WSGI application as the back-office user of the test
fixtures, both in the two generation modes (positive: data the schema allows; negative: data
it does not):

* every operation gets the coverage phase's boundary and invalid values and a bounded number
  of generated requests (``test_api_conforms_to_its_schema``);
* sequences of calls follow the links between operations (stateful), so the answers of one
  call feed the next: open a case, read it, edit it with its ETag, claim and complete its task,
  and so on (``test_api_workflows_conform_to_its_schema``). The links are those schemathesis
  infers from the schema (a list's ids into the item's operations) and ``LINKS`` below.

Each response must:

* not be a server error (5xx);
* have a status code, content type, headers and body that the schema documents.

Each run records its figures (operations, calls, calls per mode and per status class, server
errors) and the session prints them at its end ("schemathesis figures"). The runs are seeded
and derandomized, so a failure reproduces on the next run of the same code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.attachments import save_attachment
from cases.moves import request_move
from config.wsgi import application
from tests.api.conftest import FUZZ_FIGURES
from tests.conftest import (
    KOTA_BENGKALIS,
    NIBUNG,
    NIK_FEMALE,
    NIK_MALE,
    api_token,
    intake,
    open_task,
    person,
)
from workflows import services as wf
from workflows.models import Notification, WorkItem

# Per operation: the fuzzing phase's budget (the coverage phase comes on top).
MAX_EXAMPLES = 25
SEED = 20240601
# Valid and invalid data, named rather than left to the default. In the stateful run about
# one call in ten is negative (schemathesis' mix), the rest positive.
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
# The stateful run: how many sequences of calls, and at most how many calls in each.
STATEFUL_SCENARIOS = 100
STATEFUL_MAX_STEPS = 10

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

# A person of the fuzzer's own for the intakes below: the fixtures' cases are for Budi and Siti.
APPLICANT = {
    "nik": "1904012005900003",
    "full_name": "Andi Pratama",
    "birth_date": "1990-05-20",
    "sex": "M",
    "birth_place": "Koba",
    "phone": "081234567891",
    "address": {"region_code": NIBUNG, "rt": "003", "rw": "001", "street": "Jl. Koba 7"},
}

# Request bodies the app accepts (or refuses only for the state it is in), mixed now and then
# into the generated ones, so the success answers are checked too and the stateful run gets
# somewhere: a login; an intake of a complaint (a handling task the back office claims and
# completes) and of a service request (a verification task, for the social worker); an edit;
# the handling task's completion.
VALID_BODIES = {
    ("/api/v1/auth/token/", "post"): [{"username": LOGIN_USER, "password": LOGIN_PASSWORD}],
    ("/api/v1/cases/", "post"): [
        {
            "kind": "complaint",
            "channel": "phone",
            "ppks_category": "fakir-miskin",
            "description": "Sembako tidak diterima tiga bulan.",
            "applicant": APPLICANT,
            "complaint_tier": "minor",
        },
        {
            "kind": "service_request",
            "channel": "walk_in",
            "ppks_category": "fakir-miskin",
            "description": "KIS PBI dinonaktifkan, perlu berobat.",
            "requested_services": ["pbi-jk"],
            "applicant": APPLICANT,
        },
    ],
    ("/api/v1/cases/{number}/", "patch"): [{"priority": "high"}, {"description": "Diperbarui."}],
    ("/api/v1/tasks/{task_id}/complete/", "post"): [{"note": "KKS terblokir, dibuka."}],
}

# Links the schema does not give (schemathesis infers those from a list to its items: tasks
# to claim and complete, moves to read and decide, referrals to revoke, notices to read):
# {(path, method, status): {link name: OpenAPI link}}. ``$request.path.number`` keeps the case
# of the previous call; ``$response.header.ETag`` is the version a PATCH must name (If-Match).
# Only inferred links take a ``*`` in a pointer: these name the first item (``/results/0/...``).
CASE_ITEM = {
    "GetCase": {
        "operationId": "v1_cases_retrieve",
        "parameters": {"number": "$response.body#/number"},
    },
    "GetCaseTimeline": {
        "operationId": "v1_cases_timeline_retrieve",
        "parameters": {"number": "$response.body#/number"},
    },
    "AttachToCase": {
        "operationId": "v1_cases_attachments_create",
        "parameters": {"number": "$response.body#/number"},
    },
}
EDIT_CASE = {
    "EditCase": {
        "operationId": "v1_cases_partial_update",
        "parameters": {
            "path.number": "$request.path.number",
            "header.If-Match": "$response.header.ETag",
        },
    },
}
LINKS = {
    # An intake answers with the new case's ETag: edit it straight away.
    ("/api/v1/cases/", "post", "201"): {
        **CASE_ITEM,
        "EditNewCase": {
            "operationId": "v1_cases_partial_update",
            "parameters": {
                "path.number": "$response.body#/number",
                "header.If-Match": "$response.header.ETag",
            },
        },
    },
    ("/api/v1/cases/", "get", "200"): {
        "GetListedCase": {
            "operationId": "v1_cases_retrieve",
            "parameters": {"number": "$response.body#/results/0/number"},
        },
    },
    ("/api/v1/cases/{number}/", "get", "200"): {
        **EDIT_CASE,
        "ClaimOpenTask": {
            "operationId": "v1_tasks_claim_create",
            "parameters": {"task_id": "$response.body#/open_tasks/0/id"},
        },
    },
    # An edit answers with the new ETag: edit again on top of it.
    ("/api/v1/cases/{number}/", "patch", "200"): EDIT_CASE,
    ("/api/v1/tasks/{task_id}/claim/", "post", "200"): {
        "CompleteClaimedTask": {
            "operationId": "v1_tasks_complete_create",
            "parameters": {"task_id": "$response.body#/id"},
        },
        "GetTaskCase": {
            "operationId": "v1_cases_retrieve",
            "parameters": {"number": "$response.body#/case"},
        },
    },
    ("/api/v1/tasks/{task_id}/complete/", "post", "200"): {
        "GetCompletedTaskCase": {
            "operationId": "v1_cases_retrieve",
            "parameters": {"number": "$response.body#/case"},
        },
    },
    ("/api/v1/cases/{number}/attachments/", "post", "201"): {
        "DownloadAttachment": {
            "operationId": "v1_attachments_retrieve",
            "parameters": {"id": "$response.body#/id"},
        },
    },
    ("/api/v1/moves/", "post", "201"): {
        "GetMove": {"operationId": "v1_moves_retrieve", "parameters": {"id": "$response.body#/id"}},
        "DecideMove": {
            "operationId": "v1_moves_decide_create",
            "parameters": {"id": "$response.body#/id"},
        },
    },
}


@dataclass
class Figures:
    """What one run sent and got back: operations, calls, calls per mode and status class."""

    run: str
    operations: set[str] = field(default_factory=set)
    # Operations that answered a success (2xx) at least once.
    succeeded: set[str] = field(default_factory=set)
    modes: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def record(self, case, response) -> None:
        self.operations.add(case.operation.label)
        if case.meta is not None:
            self.modes[case.meta.generation.mode.value] += 1
        self.statuses[f"{response.status_code // 100}xx"] += 1
        if 200 <= response.status_code < 300:
            self.succeeded.add(case.operation.label)
        if response.status_code >= 500:
            self.server_errors.append(f"{case.operation.label} -> {response.status_code}")

    @property
    def calls(self) -> int:
        return sum(self.statuses.values())

    def line(self) -> str:
        modes = ", ".join(f"{mode} {self.modes[mode]}" for mode in ("positive", "negative"))
        statuses = ", ".join(f"{code} {n}" for code, n in sorted(self.statuses.items()))
        return (
            f"{self.run}: {len(self.operations)} operations ({len(self.succeeded)} answered 2xx), "
            f"{self.calls} calls ({modes}); {statuses}; server errors {len(self.server_errors)}"
        )


@pytest.fixture
def figures(request):
    """The run's figures, added to the session's "schemathesis figures" at the test's end."""
    recorded = Figures(run=request.node.name)
    yield recorded
    request.config.stash.setdefault(FUZZ_FIGURES, []).append(recorded.line())


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
        visited_at=timezone.now(),
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
    # ... and a complaint, whose handling task the back office (the fuzzer's user) may claim
    # and complete: a short chain for the stateful run.
    intake(staff["petugas"], kind="complaint", requested_services=[], complaint_tier="minor")
    # A request to move Budi to Bengkalis: pending, for the back office of his area to decide.
    move = request_move(
        actor=staff["petugas_bks"], nik=NIK_MALE, region_code=KOTA_BENGKALIS, reason="Pindah."
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
        # Both operations with an ``id``: an attachment and a move request.
        "id": [attachment.pk, move.pk],
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
def api_schema(api_data, wsgi_in_test_transaction, figures):
    token = api_token(api_data["user"])
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": f"Token {token}"},
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
        }
    )
    assert config.projects.default.generation.modes == MODES
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
        valid = VALID_BODIES.get((context.operation.path, context.operation.method))
        return st.one_of(st.sampled_from(valid), strategy) if valid else strategy

    @schema.hook
    def after_call(context, case, response):
        figures.record(case, response)

    # The login throttle counts in the cache: start from zero (so earlier tests do not change
    # what this one sees) and leave nothing behind for later tests.
    cache.clear()
    yield schema
    cache.clear()


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def linked_schema(api_schema):
    """``api_schema`` with ``LINKS`` added to the responses they follow."""
    paths = api_schema.raw_schema["paths"]
    for (path, method, status), links in LINKS.items():
        paths[path][method]["responses"][status].setdefault("links", {}).update(links)
    return api_schema


@schema.parametrize()
def test_api_conforms_to_its_schema(case, figures):
    headers = None
    if case.operation.path in LOGOUT_PATHS:
        login_user = get_user_model().objects.get(username=LOGIN_USER)
        headers = {"Authorization": f"Token {api_token(login_user)}"}
    case.call_and_validate(checks=CHECKS, headers=headers)


def test_api_workflows_conform_to_its_schema(linked_schema, figures):
    """Sequences of linked calls (stateful), valid and invalid data: no 5xx, as documented."""

    class Workflow(linked_schema.as_state_machine()):
        # Which operation starts a sequence: shuffled once, by the run's seed.
        rule_order_seed = SEED

        # Each sequence starts from the same data: what one wrote is rolled back before the
        # next, so the calls hypothesis generates do not depend on the sequences before it
        # (hypothesis refuses a run whose draws change with outside state).
        def setup(self):
            self.scenario = transaction.atomic()
            self.scenario.__enter__()
            cache.clear()

        def teardown(self):
            transaction.set_rollback(True)
            self.scenario.__exit__(None, None, None)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The checks of the other run, not schemathesis' whole default set (which also
            # wants any valid-looking data accepted, whatever the business rules say).
            case.validate_response(
                response, checks=CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder
            )

    settings = hypothesis.settings(
        max_examples=STATEFUL_SCENARIOS,
        stateful_step_count=STATEFUL_MAX_STEPS,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    run_state_machine_as_test(Workflow, settings=settings)

    assert not figures.server_errors
    assert all(figures.modes[mode.value] for mode in MODES), figures.line()
    # The links led somewhere: a case was opened, read and edited (with its ETag), and its
    # task claimed and completed, each at least once.
    chain = {
        "POST /api/v1/cases/",
        "GET /api/v1/cases/{number}/",
        "PATCH /api/v1/cases/{number}/",
        "POST /api/v1/tasks/{task_id}/claim/",
        "POST /api/v1/tasks/{task_id}/complete/",
    }
    assert chain <= figures.succeeded, (sorted(chain - figures.succeeded), figures.line())
