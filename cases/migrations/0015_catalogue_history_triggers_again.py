"""SQLite rebuilds a table to add a column, and the copy loses its append-only triggers:
agencies 0008 added the catalogues' English names to their history tables, whose triggers
are installed again here, where the triggers' code lives."""

from django.db import migrations

from cases.append_only import install_triggers

TABLES = [
    "agencies_historicaldocumenttype",
    "agencies_historicalppkscategory",
    "agencies_historicalservice",
]


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0008_catalogue_english_names"),
        ("cases", "0014_service_decision_step"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: install_triggers(schema_editor, TABLES),
            migrations.RunPython.noop,
        ),
    ]
