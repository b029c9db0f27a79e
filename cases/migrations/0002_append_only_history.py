"""History is append-only: triggers refuse UPDATE and DELETE on every audit table.

Covers every table whose name contains ``_historical`` (simple-history's tables, including
the m2m history tables and ``workflows_historicaltask``) plus ``cases_accesslog``, as found
in the live database schema when this migration runs: the migration state's models do not
reliably include simple-history's generated models, the database does. The dependencies
below make sure every app's history tables exist by then.

PostgreSQL: one shared plpgsql function ``simpul_refuse_history_change()`` and per table the
row-level BEFORE triggers ``<table>_no_update`` and ``<table>_no_delete`` (TRUNCATE, which
Django's ``flush`` uses, fires no row-level trigger and stays allowed). SQLite: triggers of
the same names doing ``SELECT RAISE(ABORT, 'history is append-only: ...')``.

A later migration that adds a historical model (or rebuilds a history table on SQLite, which
drops that table's triggers) must install triggers for it with the helpers in
``cases/append_only.py``::

    from cases.append_only import install_triggers, uninstall_triggers

    migrations.RunPython(
        lambda apps, se: install_triggers(se, ["myapp_historicalthing"]),
        lambda apps, se: uninstall_triggers(se, ["myapp_historicalthing"]),
    )

``tests/cases/test_append_only.py`` fails for any audit table that lacks either trigger.
Consequence to know: deleting a user who has history rows fails (``history_user`` is
SET_NULL, i.e. an UPDATE of history); users are deactivated, never deleted.
"""

from django.db import migrations

from cases.append_only import (
    audit_tables,
    install_triggers,
    uninstall_function,
    uninstall_triggers,
)


def forwards(apps, schema_editor):
    install_triggers(schema_editor, audit_tables(schema_editor.connection))


def backwards(apps, schema_editor):
    uninstall_triggers(schema_editor, audit_tables(schema_editor.connection))
    uninstall_function(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        # The latest migration of every app with history tables: a later schema change that
        # rebuilds a history table on SQLite drops its triggers, so it must reinstall them.
        ("agencies", "0002_seed_catalogues"),
        ("referrals", "0001_initial"),
        ("workflows", "0002_seed_deadlines"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
