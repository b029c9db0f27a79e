"""Append-only audit tables: database triggers that refuse UPDATE and DELETE.

Every simple-history table (its name contains ``_historical``) and the access log
(``cases_accesslog``) only ever receive INSERTs. Migration ``cases.0004_append_only_history``
installs, on each of them, one trigger per operation that aborts the statement with
"history is append-only":

* PostgreSQL: ``<table>_no_update`` / ``<table>_no_delete``, row-level ``BEFORE`` triggers
  calling the shared plpgsql function ``simpul_refuse_history_change()``. TRUNCATE fires no
  row-level trigger, so Django's ``flush`` (which truncates) keeps working for tests.
* SQLite: ``<table>_no_update`` / ``<table>_no_delete`` doing ``SELECT RAISE(ABORT, ...)``.

A later migration that adds a historical model (or that rebuilds a history table on SQLite,
where the table copy drops its triggers) must install the triggers for it itself::

    from cases.append_only import install_triggers, uninstall_triggers

    def forwards(apps, schema_editor):
        install_triggers(schema_editor, ["myapp_historicalthing"])

    def backwards(apps, schema_editor):
        uninstall_triggers(schema_editor, ["myapp_historicalthing"])

    operations = [..., migrations.RunPython(forwards, backwards)]

``tests/cases/test_append_only.py`` fails for any audit table without both triggers.
Installing is idempotent: it replaces triggers that already exist.

Only the SQL lives here (no model imports), so migrations can call it safely.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.backends.utils import truncate_name

ACCESS_LOG_TABLE = "cases_accesslog"
MESSAGE = "history is append-only"
PG_FUNCTION = "simpul_refuse_history_change"
OPERATIONS = ("UPDATE", "DELETE")


def is_audit_table(table: str) -> bool:
    return "_historical" in table or table == ACCESS_LOG_TABLE


def audit_tables(connection) -> list[str]:
    """The audit tables that exist in the database right now (read from the live schema)."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(name for name in names if is_audit_table(name))


def trigger_name(connection, table: str, operation: str) -> str:
    """``<table>_no_update``; hashed down to the backend's identifier limit when too long."""
    return truncate_name(f"{table}_no_{operation.lower()}", connection.ops.max_name_length())


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _vendor(connection) -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(
            f"append-only triggers exist for PostgreSQL and SQLite, not {connection.vendor}"
        )
    return connection.vendor


def install_function(schema_editor) -> None:
    """PostgreSQL: (re)create the shared trigger function. A no-op on SQLite."""
    if _vendor(schema_editor.connection) != "postgresql":
        return
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        f"    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME\n"
        "        USING ERRCODE = 'restrict_violation',\n"
        "              HINT = 'Audit history only ever receives INSERTs.';\n"
        "END;\n"
        "$$",
        params=None,  # no parameters: the % signs are RAISE's own placeholders
    )


def uninstall_function(schema_editor) -> None:
    """PostgreSQL: drop the shared function; fails while any trigger still uses it."""
    if _vendor(schema_editor.connection) != "postgresql":
        return
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")


def install_triggers(schema_editor, tables: Iterable[str]) -> None:
    """Refuse row UPDATE and DELETE on each table (replacing these triggers if present)."""
    connection = schema_editor.connection
    vendor = _vendor(connection)
    quote = schema_editor.quote_name
    if vendor == "postgresql":
        install_function(schema_editor)
    for table in tables:
        for operation in OPERATIONS:
            name = quote(trigger_name(connection, table, operation))
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + _on(vendor, quote, table))
            if vendor == "postgresql":
                schema_editor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {quote(table)} "
                    f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
                )
            else:
                message = _sql_string(f"{MESSAGE}: {operation} on {table} refused")
                schema_editor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {quote(table)} "
                    f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, {message}); END"
                )


def uninstall_triggers(schema_editor, tables: Iterable[str]) -> None:
    connection = schema_editor.connection
    vendor = _vendor(connection)
    quote = schema_editor.quote_name
    for table in tables:
        for operation in OPERATIONS:
            name = quote(trigger_name(connection, table, operation))
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + _on(vendor, quote, table))


def _on(vendor: str, quote, table: str) -> str:
    # PostgreSQL trigger names are per table; SQLite's are global and take no ON clause.
    return f" ON {quote(table)}" if vendor == "postgresql" else ""


def triggers_by_table(connection) -> dict[str, set[str]]:
    """{table: {"UPDATE", "DELETE", ...}} for the append-only triggers found in the database.

    Reads the catalogue and checks what each trigger does (the message on SQLite, the
    function on PostgreSQL), so an unrelated trigger with a matching name does not count.
    """
    found: dict[str, set[str]] = {}
    vendor = _vendor(connection)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            # tgtype bits: 1 row-level, 2 before, 8 delete, 16 update; tgenabled 'D' = disabled.
            cursor.execute(
                "SELECT c.relname, t.tgtype FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid"
                " WHERE p.proname = %s AND NOT t.tgisinternal AND t.tgenabled <> 'D'"
                " AND pg_catalog.pg_table_is_visible(c.oid)",
                [PG_FUNCTION],
            )
            for table, tgtype in cursor.fetchall():
                if tgtype & 1 and tgtype & 2:
                    if tgtype & 16:
                        found.setdefault(table, set()).add("UPDATE")
                    if tgtype & 8:
                        found.setdefault(table, set()).add("DELETE")
        else:
            cursor.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            for table, sql in cursor.fetchall():
                text = " ".join((sql or "").split()).upper()
                if MESSAGE.upper() not in text or "RAISE(ABORT" not in text:
                    continue
                for operation in OPERATIONS:
                    if f"BEFORE {operation} ON" in text:
                        found.setdefault(table, set()).add(operation)
    return found
