"""History and the access log are append-only: the database itself refuses UPDATE and DELETE.

Migration cases.0004_append_only_history installs the triggers (cases/append_only.py holds
the SQL). These tests run in both passes of make test, on SQLite and on PostgreSQL. Each
refused statement runs in its own atomic block: PostgreSQL aborts the whole transaction on
an error otherwise.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from simple_history.models import HistoricalChanges

from cases.append_only import (
    ACCESS_LOG_TABLE,
    MESSAGE,
    audit_tables,
    install_triggers,
    is_audit_table,
    triggers_by_table,
    uninstall_triggers,
)
from cases.models import AccessLog, Case, Person
from tests.conftest import NIK_FEMALE, intake, person


def refused(sql: str, params=()) -> DatabaseError:
    """Run ``sql``, which the database must refuse as append-only; return the error."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    assert MESSAGE in str(caught.value)
    return caught.value


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@pytest.fixture
def case(staff):
    return intake(staff["petugas"]).case


def test_tampering_with_case_history_is_refused_and_changes_nothing(case):
    select = "SELECT history_id, description FROM cases_historicalcase ORDER BY history_id"
    before = rows(select)
    assert before and all(description != "tampered" for _, description in before)

    error = refused("UPDATE cases_historicalcase SET description = 'tampered'")
    assert "UPDATE" in str(error)
    refused("UPDATE cases_historicalcase SET description = %s WHERE id = %s", ["tampered", case.pk])
    assert rows(select) == before

    # The ORM goes through the same wall.
    with pytest.raises(DatabaseError, match=MESSAGE), transaction.atomic():
        Case.history.filter(id=case.pk).update(description="tampered")
    assert rows(select) == before
    assert Case.history.filter(id=case.pk).count() == len(before)


def test_deleting_person_history_is_refused(case):
    count = Person.history.count()
    assert count >= 1
    error = refused("DELETE FROM cases_historicalperson")
    assert "DELETE" in str(error)
    with pytest.raises(DatabaseError, match=MESSAGE), transaction.atomic():
        Person.history.filter(id=case.beneficiary_id).delete()
    assert Person.history.count() == count


def test_access_log_rows_can_be_neither_changed_nor_deleted(case, staff):
    entry = AccessLog.objects.create(
        user=staff["petugas"], action="view_case", case=case, route="case_detail"
    )
    refused("UPDATE cases_accesslog SET route = 'elsewhere' WHERE id = %s", [entry.pk])
    refused("UPDATE cases_accesslog SET user_id = %s", [staff["manajer"].pk])
    refused("DELETE FROM cases_accesslog WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match=MESSAGE), transaction.atomic():
        entry.delete()
    entry.refresh_from_db()
    assert (entry.route, entry.user_id) == ("case_detail", staff["petugas"].pk)


def test_history_still_grows(case, staff):
    before = {
        "case": Case.history.count(),
        "person": Person.history.count(),
        "log": AccessLog.objects.count(),
    }
    other = intake(
        staff["petugas"], applicant=person(nik=NIK_FEMALE, sex="F", full_name="Siti Aminah")
    ).case
    AccessLog.objects.create(user=staff["petugas"], action="view_case", case=other, route="x")
    assert Case.history.count() > before["case"]
    assert Person.history.count() > before["person"]
    assert AccessLog.objects.count() == before["log"] + 1
    assert other.history.earliest().history_type == "+"


@pytest.mark.django_db
def test_every_audit_table_has_both_triggers():
    """A new history table (or one rebuilt by SQLite) without triggers fails here."""
    tables = audit_tables(connection)
    assert ACCESS_LOG_TABLE in tables
    assert {"cases_historicalcase", "cases_historicalperson", "workflows_historicaltask"} <= set(
        tables
    )
    found = triggers_by_table(connection)
    missing = {
        table: sorted({"UPDATE", "DELETE"} - found.get(table, set()))
        for table in tables
        if found.get(table, set()) < {"UPDATE", "DELETE"}
    }
    assert not missing, (
        f"audit tables without append-only triggers: {missing}; install them in a migration "
        "with cases.append_only.install_triggers"
    )


@pytest.mark.django_db
def test_every_history_model_is_an_audit_table():
    """simple-history's models, m2m history included, all have tables the triggers cover."""
    history_models = [
        model
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
        or any(
            field.name == "history"
            and field.related_model is not None
            and issubclass(field.related_model, HistoricalChanges)
            for field in model._meta.concrete_fields
        )
    ]
    tables = {model._meta.db_table for model in history_models}
    assert {"cases_historicalcase_requested_services", "workflows_historicaltask"} <= tables
    assert [table for table in sorted(tables) if not is_audit_table(table)] == []
    assert tables <= set(audit_tables(connection))


@pytest.mark.django_db
def test_the_helpers_install_and_remove_triggers_on_a_new_table():
    """What a later migration does for a new history table (here a scratch table)."""
    table = "scratch_historicalthing"
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {quoted} (id integer PRIMARY KEY, value varchar(10))")
        cursor.execute(f"INSERT INTO {quoted} (id, value) VALUES (1, 'a')")

        def execute(sql, params=None):
            cursor.execute(sql, params)

        # Migrations pass a schema editor; SQLite cannot open one inside the test transaction,
        # and the helpers need only these three attributes of it.
        editor = SimpleNamespace(
            connection=connection, execute=execute, quote_name=connection.ops.quote_name
        )
        install_triggers(editor, [table])
        install_triggers(editor, [table])  # idempotent
        assert triggers_by_table(connection)[table] == {"UPDATE", "DELETE"}
        refused(f"UPDATE {quoted} SET value = 'b'")
        refused(f"DELETE FROM {quoted}")
        cursor.execute(f"INSERT INTO {quoted} (id, value) VALUES (2, 'b')")

        uninstall_triggers(editor, [table])
        assert table not in triggers_by_table(connection)
        cursor.execute(f"UPDATE {quoted} SET value = 'c'")
        cursor.execute(f"DELETE FROM {quoted}")
        cursor.execute(f"DROP TABLE {quoted}")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db
def test_truncate_stays_allowed_for_flush(case, staff):
    """Django's flush (the end of every transactional test) truncates; that must still work."""
    AccessLog.objects.create(user=staff["petugas"], action="view_case", case=case, route="x")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks of the insert above first: PostgreSQL
            # refuses to truncate a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(ACCESS_LOG_TABLE)}")
        assert AccessLog.objects.count() == 0
        transaction.set_rollback(True)
    assert AccessLog.objects.count() == 1
