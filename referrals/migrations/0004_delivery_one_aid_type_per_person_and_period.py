"""The double-aid rule is held by the database (issue 11, fault 3).

One delivery of an aid type per person and period, unless an approver overrode the rule with
a reason. Before the constraint is added, existing deliveries are checked: two deliveries
recorded by the old check-then-insert race would make the constraint fail half-way, so the
migration stops first and names them for an administrator to review.
"""

from django.db import migrations, models
from django.db.models import Count, Q

ELIGIBLE = Q(double_aid_override_reason="") & ~Q(aid_type="")


def refuse_existing_double_aid(apps, schema_editor):
    Delivery = apps.get_model("referrals", "Delivery")
    clashes = (
        Delivery.objects.filter(ELIGIBLE)
        .values("person_id", "aid_type", "period")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("person_id", "aid_type", "period")
    )
    if clashes:
        listed = "; ".join(
            f"person {c['person_id']}, {c['aid_type']} {c['period']}: {c['n']} deliveries"
            for c in clashes
        )
        raise RuntimeError(
            "Double aid already recorded without an override; review these deliveries (give "
            f"all but one an override reason) before migrating: {listed}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_drop_delivery_proof_file"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_double_aid, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=ELIGIBLE,
                fields=("person", "aid_type", "period"),
                name="one_aid_type_per_person_and_period",
            ),
        ),
    ]
