"""Append-only triggers for the history of the document types and PPKS categories.

``agencies.0005_catalogue_history`` creates the two history tables; agencies is the bottom
layer and imports nothing from cases, so their triggers are installed here, with the helpers
of ``cases/append_only.py`` (see ``0002_append_only_history``).
"""

from django.db import migrations

from cases.append_only import install_triggers, uninstall_triggers

TABLES = ["agencies_historicaldocumenttype", "agencies_historicalppkscategory"]


def forwards(apps, schema_editor):
    install_triggers(schema_editor, TABLES)


def backwards(apps, schema_editor):
    uninstall_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_catalogue_history"),
        ("cases", "0011_text_limits_and_birth_date_range"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
