"""Referral.accepted_at: when the agency accepted the referral (issue 11, fault 7: a delivery
cannot be dated before it). Existing referrals get it from their history: the first version
with status "accepted"."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def accepted_at_from_history(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    HistoricalReferral = apps.get_model("referrals", "HistoricalReferral")
    first_accepted = (
        HistoricalReferral.objects.filter(id=OuterRef("pk"), status="accepted")
        .order_by("history_date")
        .values("history_date")[:1]
    )
    Referral.objects.filter(accepted_at__isnull=True).update(accepted_at=Subquery(first_accepted))


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreferral",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="diterima pada"),
        ),
        migrations.AddField(
            model_name="referral",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="diterima pada"),
        ),
        migrations.RunPython(accepted_at_from_history, migrations.RunPython.noop),
    ]
