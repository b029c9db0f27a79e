"""Default deadlines (working days), editable in admin afterwards.

Complaint handling follows the public-service complaint tiers: minor 2, normative 5,
non-oversight 14, needing investigation 60 working days.
"""

from django.db import migrations

DEFAULTS = [
    # kind, complaint tier, working days, escalate after (working days overdue)
    ("verification", "", 5, 3),
    ("assessment", "", 3, 2),
    ("approval", "", 3, 2),
    ("delivery", "", 10, 5),
    ("follow_up", "", 10, 5),
    ("closure", "", 3, 2),
    ("response", "", 2, 1),
    ("handling", "minor", 2, 1),
    ("handling", "normative", 5, 2),
    ("handling", "non_oversight", 14, 5),
    ("handling", "investigation", 60, 10),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("workflows", "DeadlineRule")
    for kind, tier, days, escalate in DEFAULTS:
        DeadlineRule.objects.get_or_create(
            kind=kind,
            complaint_tier=tier,
            service=None,
            agency=None,
            defaults={"working_days": days, "escalate_after_days": escalate},
        )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
