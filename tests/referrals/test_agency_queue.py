"""The agency queue (antrean instansi): all open work of the user's agency, oldest due first."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Membership, Role
from cases.models import Case
from tests.conftest import make_user, open_task, referred_case
from tests.referrals.helpers import forwarded_complaint, set_due
from workflows import services as wf

QUEUE = reverse("agency_queue")


def rows(body: str) -> list[str]:
    """The queue's rows, as text, in page order."""
    items = re.findall(r'<li class="list-group-item[^"]*">(.*?)</li>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


@pytest.fixture
def dinkes_cases(staff):
    first = referred_case(staff, nik="1904011208850001", services=["pbi-jk"], full_name="Budi A")
    second = referred_case(staff, nik="1904011208850002", services=["jamkesda"], full_name="Budi B")
    return first, second


def test_agency_staff_see_their_agencys_open_referrals_oldest_due_first(
    client, staff, dinkes_cases
):
    first, second = dinkes_cases
    set_due(open_task(first, "referral_review"), due_in=dt.timedelta(days=3))
    set_due(open_task(second, "referral_review"), due_in=dt.timedelta(days=1))
    client.force_login(staff["dinkes"])
    body = client.get(QUEUE).content.decode()
    listed = rows(body)
    assert len(listed) == 2
    assert second.number in listed[0] and "Jaminan kesehatan daerah" in listed[0]
    assert first.number in listed[1] and "PBI-JK / KIS" in listed[1]
    assert all("Tanggapan rujukan" in row and "Belum diambil (antrean)" in row for row in listed)
    assert "Budi B" in listed[0] and "Nibung, RT 002/RW 001" in listed[0]
    assert reverse("case_detail", args=[second.number]) in body
    referral = first.referrals.get()
    assert reverse("referral_detail", args=[referral.pk]) in body
    assert "2 tugas terbuka" in body


def test_rows_show_who_holds_a_claimed_task_and_the_holder_filter(client, staff, dinkes_cases):
    first, second = dinkes_cases
    wf.claim_task(actor=staff["kadinkes"], task_id=open_task(first, "referral_review").pk)
    wf.claim_task(actor=staff["dinkes"], task_id=open_task(second, "referral_review").pk)
    client.force_login(staff["dinkes"])
    listed = rows(client.get(QUEUE).content.decode())
    assert any(first.number in row and "Dipegang oleh kadinkes" in row for row in listed)
    assert any(second.number in row and "Dipegang oleh dinkes" in row for row in listed)

    mine = rows(client.get(QUEUE, {"holder": "mine"}).content.decode())
    assert len(mine) == 1 and second.number in mine[0]
    unclaimed = client.get(QUEUE, {"holder": "unclaimed"}).content.decode()
    assert rows(unclaimed) == []
    assert "Tidak ada tugas terbuka yang cocok dengan pilihan ini." in unclaimed


def test_overdue_and_at_risk_tasks_carry_badges_and_are_counted(client, staff, dinkes_cases):
    first, second = dinkes_cases
    set_due(open_task(first, "referral_review"), due_in=-dt.timedelta(hours=2))
    set_due(
        open_task(second, "referral_review"),
        due_in=dt.timedelta(hours=5),
        risk_from=-dt.timedelta(hours=1),
    )
    client.force_login(staff["dinkes"])
    body = client.get(QUEUE).content.decode()
    late, risky = rows(body)
    assert first.number in late and "Terlambat" in late
    assert second.number in risky and "Berisiko" in risky and "Terlambat" not in risky
    assert "1 terlambat" in body and "1 berisiko" in body


def test_kind_tabs_count_and_filter_approvals_deliveries_and_handling(client, staff, dinkes_cases):
    first, second = dinkes_cases
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(first, "referral_review").pk, decision="accept"
    )
    complaint = forwarded_complaint(staff, "dinkes-bateng")
    client.force_login(staff["dinkes"])
    body = client.get(QUEUE).content.decode()
    tabs = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Tanggapan rujukan 1" in tabs
    assert "Persetujuan 1" in tabs  # the approver's step is on the agency's queue too
    assert "Penyaluran 0" in tabs
    assert "Penanganan pengaduan 1" in tabs
    assert "3 tugas terbuka" in body

    approvals = rows(client.get(QUEUE, {"kind": "approval"}).content.decode())
    assert len(approvals) == 1 and first.number in approvals[0] and "Persetujuan" in approvals[0]
    handling = client.get(QUEUE, {"kind": "handling"}).content.decode()
    assert [complaint.number in row for row in rows(handling)] == [True]
    assert reverse("case_detail", args=[complaint.number]) in handling
    # An unknown kind is ignored rather than answering an error.
    assert len(rows(client.get(QUEUE, {"kind": "closure"}).content.decode())) == 3


def test_an_agency_does_not_see_another_agencys_work(client, staff, agencies, dinkes_cases):
    first, _second = dinkes_cases
    atensi = referred_case(staff, nik="1904011208850003", services=["atensi"], full_name="Ani")
    client.force_login(staff["dinsos"])
    listed = rows(client.get(QUEUE).content.decode())
    assert len(listed) == 1 and atensi.number in listed[0] and "ATENSI" in listed[0]
    assert not any(first.number in row for row in listed)

    client.force_login(staff["dinkes"])
    assert not any(atensi.number in row for row in rows(client.get(QUEUE).content.decode()))

    bengkalis = make_user("dinkes.bks", Role.AGENCY_STAFF, "14.03", agency=agencies["dinkes_bks"])
    client.force_login(bengkalis)
    body = client.get(QUEUE).content.decode()
    assert rows(body) == [] and "Antrean instansi kosong" in body


@pytest.mark.parametrize("role", ["petugas", "peksos", "backoffice", "manajer", "petugas_bks"])
def test_staff_without_an_agency_get_404_and_no_menu_item(client, staff, role):
    client.force_login(staff[role])
    assert client.get(QUEUE).status_code == 404
    assert "Antrean instansi" not in client.get(reverse("inbox")).content.decode()


def test_agency_users_have_the_menu_item(client, staff):
    client.force_login(staff["kadinkes"])
    page = client.get(reverse("inbox")).content.decode()
    assert f'href="{QUEUE}">Antrean instansi</a>' in page


def test_an_ended_membership_closes_the_queue(client, staff, dinkes_cases):
    Membership.objects.filter(user=staff["dinkes"]).update(is_active=False)
    client.force_login(staff["dinkes"])
    assert client.get(QUEUE).status_code == 404


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_queue_page_query_count_does_not_grow_with_the_queue(client, staff):
    referred_case(staff, nik="1904011208850010", services=["pbi-jk"], full_name="Warga 0")
    client.force_login(staff["kadinkes"])
    with CaptureQueriesContext(connection) as small:
        body = client.get(QUEUE).content.decode()
    assert len(rows(body)) == 1
    for i in range(1, 27):
        referred_case(staff, nik=f"19040112088{i + 10:05d}", services=["pbi-jk"], full_name=f"W{i}")
    oldest = Case.objects.order_by("pk").first()
    wf.claim_task(actor=staff["dinkes"], task_id=open_task(oldest, "referral_review").pk)
    with CaptureQueriesContext(connection) as large:
        body = client.get(QUEUE).content.decode()
    assert len(rows(body)) == 25 and "Halaman 1 dari 2" in body
    assert "Dipegang oleh dinkes" in body
    assert len(small) == len(large)
    with CaptureQueriesContext(connection) as filtered:
        body = client.get(QUEUE, {"kind": "referral_review", "page": 2}).content.decode()
    assert len(rows(body)) == 2 and "Halaman 2 dari 2" in body
    assert len(filtered) == len(large)


def test_queue_page_takes_exactly_seven_queries(client, staff, django_assert_num_queries):
    """The agency queue's query count, pinned (Zulip's ``assert_database_query_count``
    habit), the same on SQLite and PostgreSQL:

    1. the session; 2. the signed-in user; 3. the user's memberships with their agency,
    office and area (once per request, ``config.middleware.MembershipCacheMiddleware``; the
    agencies of the queue come from it); 4. the queue's tasks, overdue and at risk by kind
    (``workflows.selectors.queue_counts``); 5. the paginator's COUNT; 6. the page's tasks,
    with holder, case, beneficiary, region, referral, service and agency joined in
    (``workflows.selectors.agency_queue``); 7. the bell's unread notifications
    (``workflows.context_processors``).
    """
    cases = [
        referred_case(staff, nik=f"19040112088{i:05d}", services=["pbi-jk"], full_name=f"W{i}")
        for i in range(3)
    ]
    wf.claim_task(actor=staff["dinkes"], task_id=open_task(cases[0], "referral_review").pk)
    client.force_login(staff["kadinkes"])
    with django_assert_num_queries(7):
        body = client.get(QUEUE).content.decode()
    assert len(rows(body)) == 3 and "Dipegang oleh dinkes" in body


def test_each_row_says_who_may_act_when_the_viewer_may_not(client, staff, dinkes_cases):
    """Issue 13, fault 9: staff see the approvals on their queue, with who they wait for."""
    first, _second = dinkes_cases
    wf.review_referral(
        actor=staff["dinkes"], task_id=open_task(first, "referral_review").pk, decision="accept"
    )
    client.force_login(staff["dinkes"])
    queue = rows(client.get(QUEUE).content.decode())
    approval = next(row for row in queue if "Persetujuan" in row)
    assert "Menunggu: Pejabat penyetuju instansi" in approval
    assert "Anda tidak dapat memproses tugas ini." in approval
    review = next(row for row in queue if "Tanggapan rujukan" in row)
    assert "Menunggu" not in review  # staff answer referrals themselves

    client.force_login(staff["kadinkes"])  # the head of agency acts on both
    assert not any("Menunggu" in row for row in rows(client.get(QUEUE).content.decode()))
