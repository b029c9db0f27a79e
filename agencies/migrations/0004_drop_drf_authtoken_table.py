"""Drop DRF's token table (issue 10, fault 6).

API tokens are django-rest-knox's now, stored only as digests; ``rest_framework.authtoken`` is
no longer installed, so its table would keep every old token in plain text, unused.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_user_preference"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
