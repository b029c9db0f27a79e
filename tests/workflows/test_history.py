"""Work items and deadline rules keep a history (issue 12, "History gaps"): who re-queued a
complaint to an agency, when a task was escalated, who changed a deadline rule; append-only
like every other history table."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import DocumentType, PpksCategory
from agencies.services import system_user
from cases.append_only import MESSAGE
from tests.conftest import intake, open_task
from tests.workflows.test_complaint_flow import complaint
from workflows import services as wf
from workflows.escalation import check_deadlines
from workflows.models import DeadlineRule, WorkItem

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NEW_HISTORY_TABLES = [
    "agencies_historicaldocumenttype",
    "agencies_historicalppkscategory",
    "workflows_historicaldeadlinerule",
    "workflows_historicalworkitem",
]


def _history_inserts(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("INSERT") and f'"{table}"' in q["sql"]]


def test_forwarding_a_complaint_records_the_requeue_with_old_and_new_agency(staff, agencies):
    case = complaint(staff)
    task_id = open_task(case, "handling").pk
    with CaptureQueriesContext(connection) as queries:
        wf.complete_handling(
            actor=staff["backoffice"],
            task_id=task_id,
            note="Teruskan ke Dinas Kesehatan: keluhan layanan Puskesmas.",
            forward_to_agency="dinkes-bateng",
        )
    # One history row for the one change of the work item, nothing more.
    assert len(_history_inserts(queries, "workflows_historicalworkitem")) == 1

    created, requeued = WorkItem.history.filter(task_id=task_id).order_by("history_id")
    assert (created.history_type, created.agency_id) == ("+", None)
    assert (requeued.history_type, requeued.agency_id) == ("~", agencies["dinkes"].pk)
    assert requeued.history_user == staff["backoffice"]
    delta = requeued.diff_against(created)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("agency", None, agencies["dinkes"].pk)
    ]


def test_a_forward_records_the_task_as_stored_even_after_an_escalation(staff):
    """The forward's history row re-reads the row: an escalation since the task was read is
    not written back as step 0."""
    case = complaint(staff)
    item = open_task(case, "handling")
    WorkItem.objects.filter(pk=item.pk).update(escalation_step=1)
    wf.complete_handling(
        actor=staff["backoffice"], task_id=item.pk, note="x", forward_to_agency="dinkes-bateng"
    )
    assert WorkItem.history.filter(task_id=item.pk).latest().escalation_step == 1


def test_a_new_task_has_a_created_row_by_the_actor(staff):
    case = intake(staff["petugas"]).case
    item = open_task(case, "verification")
    (row,) = WorkItem.history.filter(task_id=item.pk)
    assert (row.history_type, row.history_user, row.kind) == ("+", staff["petugas"], "verification")


def test_escalation_steps_are_recorded_by_the_system_user(staff):
    case = intake(staff["petugas"]).case
    item = open_task(case, "verification")
    due = dt.datetime(2026, 1, 5, 9, 0, tzinfo=WIB)
    WorkItem.objects.filter(pk=item.pk).update(due_at=due)

    check_deadlines(dt.datetime(2026, 1, 6, 9, 0, tzinfo=WIB))
    check_deadlines(dt.datetime(2026, 1, 6, 9, 1, tzinfo=WIB))  # nothing new: no new row
    check_deadlines(dt.datetime(2026, 2, 2, 9, 0, tzinfo=WIB))

    rows = list(WorkItem.history.filter(task_id=item.pk).order_by("history_id"))
    assert [(r.history_type, r.escalation_step) for r in rows] == [("+", 0), ("~", 1), ("~", 2)]
    system = system_user()
    assert [(r.history_user, r.history_change_reason) for r in rows[1:]] == [
        (system, "Terlambat"),
        (system, "Dieskalasi"),
    ]
    assert rows[1].due_at == due  # the row as stored, not as first read


def test_changing_a_deadline_rule_in_the_admin_records_who_and_what(client, db):
    admin_user = get_user_model().objects.create_superuser("root", password="x-root")
    rule = DeadlineRule.objects.create(
        kind="closure", complaint_tier="minor", working_days=3, escalate_after_days=2
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:workflows_deadlinerule_change", args=[rule.pk]),
        {
            "kind": "closure",
            "service": "",
            "agency": "",
            "complaint_tier": "minor",
            "working_days": "7",
            "escalate_after_days": "2",
        },
    )
    assert response.status_code == 302
    changed = rule.history.latest()
    assert (changed.history_type, changed.history_user) == ("~", admin_user)
    delta = changed.diff_against(changed.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("working_days", 3, 7)]
    page = client.get(reverse("admin:workflows_deadlinerule_history", args=[rule.pk]))
    assert page.status_code == 200 and "root" in page.content.decode()


def test_rows_from_before_history_get_their_starting_row_from_populate_history(staff):
    """The deploy step named in migration 0003: rows without history get one "+" row, by
    inserts only (the append-only triggers allow it), and rows with history are left alone."""
    (rule,) = DeadlineRule.objects.bulk_create(  # no signal, hence no history, as before 0003
        [DeadlineRule(kind="closure", complaint_tier="minor", working_days=4)]
    )
    item = open_task(intake(staff["petugas"]).case, "verification")
    call_command("populate_history", "workflows.DeadlineRule", "workflows.WorkItem")
    (row,) = rule.history.all()
    assert (row.history_type, row.history_user, row.working_days) == ("+", None, 4)
    assert WorkItem.history.filter(task_id=item.pk).count() == 1


@pytest.mark.parametrize("table", NEW_HISTORY_TABLES)
def test_the_new_history_tables_are_append_only(table, staff):
    # One row in each table, whatever the migrations seeded.
    complaint(staff)
    DocumentType.objects.create(code="surat-uji", name="Surat uji")
    PpksCategory.objects.create(code="kategori-uji", name="Kategori uji")
    DeadlineRule.objects.create(kind="closure", complaint_tier="minor", working_days=4)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        (count,) = cursor.fetchone()
    assert count >= 1, table
    for sql in (f"UPDATE {table} SET history_type = '~'", f"DELETE FROM {table}"):
        with (
            pytest.raises(DatabaseError, match=MESSAGE),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
