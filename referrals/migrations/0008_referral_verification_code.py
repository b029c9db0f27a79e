"""Each referral letter gets a verification code (issue 13, the referral letter): printed on
the letter with the verification URL, it answers whether the letter is genuine and current.

Existing referrals get their own codes. The history table gets the column with one filler
value for its old rows (history rows are append-only and never updated; the code is not
shown in the timeline); SQLite rebuilds that table to add a column, and the copy loses its
append-only triggers: they are installed again, with the office history table's (rebuilt
by agencies 0007 for the letter's signatory and logo)."""

from django.db import migrations, models

import referrals.models
from cases.append_only import install_triggers


def give_codes(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    used = set()
    for referral in Referral.objects.filter(verification_code__isnull=True).only("pk"):
        code = referrals.models.new_verification_code()
        while code in used:
            code = referrals.models.new_verification_code()
        used.add(code)
        Referral.objects.filter(pk=referral.pk).update(verification_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0007_letter_signature"),
        ("cases", "0014_service_decision_step"),
        ("referrals", "0007_referral_beneficiary"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="verification_code",
            field=models.CharField(
                editable=False, max_length=12, null=True, verbose_name="kode verifikasi surat"
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="referral",
            name="verification_code",
            field=models.CharField(
                default=referrals.models.new_verification_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="kode verifikasi surat",
            ),
        ),
        migrations.AddField(
            model_name="historicalreferral",
            name="verification_code",
            field=models.CharField(
                db_index=True,
                default=referrals.models.new_verification_code,
                editable=False,
                max_length=12,
                verbose_name="kode verifikasi surat",
            ),
        ),
        migrations.RunPython(
            lambda apps, schema_editor: install_triggers(
                schema_editor, ["referrals_historicalreferral", "agencies_historicaloffice"]
            ),
            migrations.RunPython.noop,
        ),
    ]
