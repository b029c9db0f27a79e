import pytest
from rest_framework.test import APIClient

from web.demo import DEMO_PASSWORD, ensure_accounts, ensure_master_data


@pytest.fixture
def demo_accounts(regions):
    """The demo's agencies, offices and accounts (no cases) on the test's region slice."""
    ensure_master_data()
    ensure_accounts()


@pytest.fixture
def api(demo_accounts):
    """``api("petugas")``: an API client authenticated with a token from /auth/token/."""
    clients = {}

    def client_for(username: str) -> APIClient:
        if username not in clients:
            client = APIClient()
            response = client.post(
                "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.content
            client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
            clients[username] = client
        return clients[username]

    return client_for


# What the schemathesis runs (tests/api/test_schemathesis.py) report: one line per run, printed
# at the end of the session whatever the verbosity, so a run always shows the figures.
FUZZ_FIGURES = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter) -> None:
    lines = terminalreporter.config.stash.get(FUZZ_FIGURES, [])
    if lines:
        terminalreporter.section("schemathesis figures", sep="-")
        for line in lines:
            terminalreporter.line(line)
