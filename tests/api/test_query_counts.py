"""Exact query counts of the API's list endpoints, pinned (Zulip's
``assert_database_query_count`` habit). ``test_api_behaviour`` checks that the counts do not
grow with the rows; these say what they are, so a query added anywhere on the way
(authentication, middleware, serializer) fails here. The same counts on SQLite and
PostgreSQL: a GET writes nothing, so no savepoint or transaction query differs.

Every request starts with the same four queries:

1. the token by its key, with its user (``knox.auth.TokenAuthentication``);
2. the user's other tokens, to delete expired ones (knox's ``_cleanup_token``, on every
   request: it does not depend on ``AUTO_REFRESH``);
3. the language the user chose, as the request names none (no ``Accept-Language``;
   ``agencies.tokens.LanguageTokenAuthentication``);
4. the user's memberships with their agency, office and area (read once per request,
   ``config.middleware.MembershipCacheMiddleware``).

The lists are cursor-paginated (``core.api``): no COUNT, one query for the page.
"""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import api_token, intake, open_task, person, referred_case
from workflows.models import WorkItem


@pytest.fixture
def work(staff):
    """Three new cases with an overdue home visit, and three referred to Dinkes (pbi-jk)."""
    new = [
        intake(staff["petugas"], applicant=person(nik=f"19040112088{i:05d}", full_name=f"W {i}"))
        for i in range(3)
    ]
    for opened in new:
        WorkItem.objects.filter(pk=open_task(opened.case, "verification").pk).update(
            due_at=timezone.now() - dt.timedelta(days=3)
        )
    referred = [
        referred_case(staff, nik=f"19040112088{i:05d}", services=["pbi-jk"], full_name=f"R {i}")
        for i in range(10, 13)
    ]
    return [opened.case for opened in new], referred


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def test_case_list_takes_five_queries(staff, work, django_assert_num_queries):
    """1-3 as above; 4. the page of cases with beneficiary and region joined in."""
    client = _client(staff["petugas"])
    with django_assert_num_queries(5):
        response = client.get("/api/v1/cases/")
    new, referred = work
    assert {row["number"] for row in response.json()["results"]} == {
        case.number for case in new + referred
    }


def test_task_list_takes_five_queries(staff, work, django_assert_num_queries):
    """1-3 as above; 4. the page of actionable tasks with task, holder, case, beneficiary,
    region, referral, service and agency joined in (``workflows.selectors.actionable_tasks``)."""
    client = _client(staff["peksos"])
    with django_assert_num_queries(5):
        response = client.get("/api/v1/tasks/")
    new, _referred = work
    results = response.json()["results"]
    assert {row["case"] for row in results} == {case.number for case in new}
    assert all(row["kind"] == "verification" and row["overdue"] for row in results)


@pytest.mark.parametrize("username", ["backoffice", "dinkes"])
def test_referral_list_takes_five_queries(staff, work, username, django_assert_num_queries):
    """1-3 as above; 4. the page of visible referrals with case, service and agency joined in
    (``web.referral_api.ReferralList``). The same for the sending back office and the
    receiving agency."""
    client = _client(staff[username])
    with django_assert_num_queries(5):
        response = client.get("/api/v1/referrals/")
    _new, referred = work
    results = response.json()["results"]
    assert {row["case"] for row in results} == {case.number for case in referred}
    assert {row["agency"] for row in results} == {"dinkes-bateng"}


def test_dashboard_takes_fourteen_queries(staff, work, django_assert_num_queries):
    """1-3 as above; 4-5 the region chooser's areas and offices; then
    ``workflows.dashboard.dashboard_figures``: 6. cases by stage with those overdue and at
    risk; 7-8. cases opened and closed per week; 9. cases with overdue and at-risk tasks by
    agency; 10. the same by district; 11. opening and closing times of the cases closed (the
    median days to close); 12-13. the agency KPIs (``workflows.kpis``). The page
    (``test_task_pages``) has three more: the overdue tasks, the officers they could be
    handed to, and the bell; its session and user take the token's two places."""
    client = _client(staff["manajer"])
    with django_assert_num_queries(14):
        data = client.get("/api/v1/dashboard/").json()
    assert data["by_stage"] == {"verification": 3, "referral": 3}
    assert data["overdue_cases"] == 3
    assert [row["agency"] for row in data["by_agency"]] == ["dinkes-bateng"]
