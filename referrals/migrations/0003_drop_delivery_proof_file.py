"""Issue 10, fault 5: the old ``Delivery.proof`` file column goes, from the history table
too. The path it held named the citizen's NIK (``proofs/.../BUKTI_<NIK>.jpg``), and the file
it named was moved to a case attachment by migration 0002.
"""

from django.db import migrations

from cases.append_only import install_triggers

HISTORY_TABLE = "referrals_historicaldelivery"


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_delivery_proof_is_a_case_attachment"),
    ]

    operations = [
        migrations.RemoveField(model_name="delivery", name="proof_file"),
        migrations.RemoveField(model_name="historicaldelivery", name="proof_file"),
        # On SQLite a table rebuild would drop the history table's triggers: put them back.
        migrations.RunPython(
            lambda apps, schema_editor: install_triggers(schema_editor, [HISTORY_TABLE]),
            migrations.RunPython.noop,
        ),
    ]
