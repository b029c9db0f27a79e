"""Idempotency records belong to a user, not to a hash of a credential (issue 10, fault 7).

The old records cannot be given a user (their scope was a hash of a token or session cookie)
and live only 24 hours anyway: they are deleted, so a retry after this migration runs anew.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def delete_unscoped_records(apps, schema_editor):
    apps.get_model("cases", "IdempotencyRecord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_accesslog_print_letter"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(delete_unscoped_records, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="idempotencyrecord",
            name="one_record_per_scope_key",
        ),
        migrations.RemoveField(
            model_name="idempotencyrecord",
            name="scope",
        ),
        migrations.AddField(
            model_name="idempotencyrecord",
            name="user",
            field=models.ForeignKey(
                # Never used: the table is emptied above.
                default=0,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="idempotencyrecord",
            constraint=models.UniqueConstraint(
                fields=("user", "key"), name="one_record_per_user_key"
            ),
        ),
    ]
