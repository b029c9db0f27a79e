"""The monthly recap's figures and the agency KPIs on a known month (``recap_month``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task

from agencies.models import Region
from referrals.models import Referral
from tests.workflows.recap_month import MONTH, NOW, at, build_month
from workflows.kpis import agency_kpis
from workflows.models import WorkItem
from workflows.recap import monthly_recap

pytestmark = pytest.mark.django_db


def by_key(rows, key="key"):
    return {row[key]: row for row in rows}


def recap_of(user, code="19.04"):
    return monthly_recap(user, region=Region.objects.get(code=code), month=MONTH, now=NOW)


def test_recap_counts_cases_received_and_closed_in_the_month(staff):
    build_month(staff)
    recap = recap_of(staff["manajer"])
    assert (recap.received, recap.closed) == (5, 2)
    kinds = by_key(recap.by_kind)
    assert (kinds["service_request"]["received"], kinds["service_request"]["closed"]) == (2, 2)
    assert (kinds["complaint"]["received"], kinds["complaint"]["closed"]) == (3, 0)
    channels = by_key(recap.by_channel)
    assert (channels["walk_in"]["received"], channels["walk_in"]["closed"]) == (4, 1)
    assert (channels["phone"]["received"], channels["phone"]["closed"]) == (1, 1)
    districts = by_key(recap.by_district)
    assert (districts["19.04.01"]["received"], districts["19.04.01"]["closed"]) == (4, 1)
    assert (districts["19.04.02"]["received"], districts["19.04.02"]["closed"]) == (1, 1)
    assert districts["19.04.02"]["label"] == "Pangkalan Baru"
    services = by_key(recap.by_service)
    assert (services["pbi-jk"]["received"], services["pbi-jk"]["closed"]) == (2, 2)


def test_a_case_opened_last_month_counts_as_closed_not_received(staff):
    cases = build_month(staff)
    recap = recap_of(staff["manajer"])
    # Case A (opened 20 Sep, closed 5 Oct, 15 days) and C (5 days): median 10 days.
    assert cases["a"].pk and recap.median_days_to_close == 10.0


def test_recap_leaves_out_another_regency(staff):
    build_month(staff)
    recap = recap_of(staff["manajer"])
    assert "14.03.01" not in by_key(recap.by_district)


def test_recap_of_one_district_counts_only_its_villages(staff):
    build_month(staff)
    recap = recap_of(staff["manajer"], "19.04.02")
    assert (recap.received, recap.closed) == (1, 1)
    assert [r["received"] for r in recap.referrals] == [1]


def test_referrals_per_agency_with_a_late_answer(staff):
    build_month(staff)
    (dinkes,) = recap_of(staff["manajer"]).referrals
    assert dinkes["agency_code"] == "dinkes-bateng"
    assert (dinkes["received"], dinkes["accepted"], dinkes["rejected"]) == (2, 1, 1)
    assert (dinkes["delivered"], dinkes["delivered_share"]) == (1, 50.0)
    # B answered 11 days after sending, past its deadline; C the next day, on time.
    assert (dinkes["answered_on_time"], dinkes["due"], dinkes["on_time_share"]) == (1, 2, 50.0)
    assert dinkes["median_days_to_answer"] == 6.0
    assert dinkes["median_days_to_delivery"] == 17.0
    assert dinkes["overdue_now"] == 0


def test_deliveries_by_program(staff):
    build_month(staff)
    (pbi,) = recap_of(staff["manajer"]).deliveries
    assert (pbi["key"], pbi["count"], pbi["amount"]) == ("pbi-jk", 1, 150000)


def test_complaints_by_tier_and_the_share_answered_within_the_tier_deadline(staff):
    build_month(staff)
    tiers = by_key(recap_of(staff["manajer"]).complaints)
    minor = tiers["minor"]
    # D handled two days late, F still open past its deadline: none of two on time.
    assert (minor["received"], minor["on_time"], minor["late"], minor["open_overdue"]) == (
        2,
        0,
        1,
        1,
    )
    assert minor["on_time_share"] == 0.0
    assert (tiers["normative"]["on_time"], tiers["normative"]["on_time_share"]) == (1, 100.0)


def test_an_unanswered_referral_not_yet_due_is_not_a_miss(staff):

    cases = build_month(staff)
    Referral.objects.filter(case=cases["c"]).update(
        status="sent", ended_at=None, due_at=at(5, month=11)
    )
    (dinkes,) = agency_kpis(staff["manajer"], first=MONTH, last=MONTH, now=NOW)
    assert (dinkes["answered"], dinkes["due"], dinkes["on_time_share"]) == (1, 1, 0.0)


def test_a_referral_open_past_its_deadline_is_overdue_now(staff):

    cases = build_month(staff)
    Referral.objects.filter(case=cases["c"]).update(status="sent", ended_at=None)
    item = WorkItem.objects.filter(referral__case=cases["c"], kind="referral_review").get()

    Task.objects.filter(pk=item.pk).update(status="NEW")
    WorkItem.objects.filter(pk=item.pk).update(due_at=at(20))
    (dinkes,) = agency_kpis(staff["manajer"], first=MONTH, last=MONTH, now=NOW)
    assert dinkes["overdue_now"] == 1


def test_agency_sees_only_its_own_kpis_and_bengkalis_none(staff):
    build_month(staff)
    assert [r["agency_code"] for r in agency_kpis(staff["dinsos"], first=MONTH, last=MONTH)] == []
    assert len(agency_kpis(staff["dinkes"], first=MONTH, last=MONTH)) == 1
    assert agency_kpis(staff["petugas_bks"], first=MONTH, last=MONTH) == []


def test_recap_and_kpis_take_the_same_queries_at_two_data_sizes(staff):
    def count(builder):
        with CaptureQueriesContext(connection) as ctx:
            recap_of(staff["manajer"])
        return len(ctx.captured_queries)

    small = count(None)
    build_month(staff)
    assert count(None) == small
