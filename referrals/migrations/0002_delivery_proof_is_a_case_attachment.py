"""Issue 10, fault 5: a delivery proof is an attachment of the case like any other.

``Delivery.proof`` was a file stored under the uploader's name (``proofs/2026/11/
BUKTI_<NIK>.jpg``) and served by no route. It becomes a link to a ``cases.Attachment`` of
kind ``delivery_proof``: each existing proof file is copied to a generated name
(``attachments/<case id>/delivery-proof-1904-2026-000012-1.jpg``), gets its attachment row
(with a history row), the delivery a history row pointing at it, and the old file is deleted
once the migration has committed. Migration 0003 drops the old column (a separate
transaction: PostgreSQL refuses to alter a table with rows changed in the same one).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction
from django.db.models.deletion import DO_NOTHING, PROTECT
from django.utils import timezone

from cases.append_only import install_triggers

# Frozen copies of cases.attachments' rules, as they were when this migration was written.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
    "image/webp": (b"RIFF", ".webp"),
    "application/pdf": (b"%PDF-", ".pdf"),
}
REASON = "Bukti penyaluran dipindahkan menjadi lampiran kasus (nama buatan sistem)."
HISTORY_TABLES = ["referrals_historicaldelivery", "cases_historicalattachment"]


def _detected(content: bytes) -> tuple[str, str]:
    for content_type, (signature, extension) in SIGNATURES.items():
        if content.startswith(signature):
            return content_type, extension
    return "application/octet-stream", ""


def _history_values(row) -> dict:
    values = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        values[field.attname] = value.name if hasattr(value, "storage") else value
    return values


def move_proofs(apps, schema_editor):
    Delivery = apps.get_model("referrals", "Delivery")
    HistoricalDelivery = apps.get_model("referrals", "HistoricalDelivery")
    Attachment = apps.get_model("cases", "Attachment")
    HistoricalAttachment = apps.get_model("cases", "HistoricalAttachment")
    now = timezone.now()
    old_paths = []
    deliveries = (
        Delivery.objects.exclude(proof_file="")
        .select_related("referral__case")
        .order_by("delivered_at", "pk")
    )
    for delivery in deliveries:
        path = delivery.proof_file.name
        if not default_storage.exists(path):
            continue  # nothing to move; the dangling path goes with its column
        with default_storage.open(path, "rb") as handle:
            content = handle.read()
        content_type, extension = _detected(content)
        case = delivery.referral.case
        stem = f"delivery-proof-{case.number}-"
        taken = Attachment.objects.filter(case_id=case.pk, original_name__startswith=stem)
        name = f"{stem}{taken.count() + 1}{extension}"
        stored = default_storage.save(f"attachments/{case.pk}/{name}", ContentFile(content))
        attachment = Attachment.objects.create(
            case_id=case.pk,
            kind="delivery_proof",
            file=stored,
            original_name=name,
            content_type=content_type,
            size=len(content),
            uploaded_by_id=delivery.recorded_by_id,
        )
        Attachment.objects.filter(pk=attachment.pk).update(uploaded_at=delivery.delivered_at)
        attachment.refresh_from_db()
        HistoricalAttachment.objects.create(
            **_history_values(attachment),
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )
        Delivery.objects.filter(pk=delivery.pk).update(proof=attachment, proof_file="")
        delivery.refresh_from_db()
        HistoricalDelivery.objects.create(
            **_history_values(delivery),
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )
        old_paths.append(path)

    def delete_old_files() -> None:
        for path in old_paths:
            default_storage.delete(path)

    transaction.on_commit(delete_old_files, using=schema_editor.connection.alias)


def reinstall_triggers(apps, schema_editor):
    install_triggers(schema_editor, HISTORY_TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_generated_file_names_normalised_numbers"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="delivery", old_name="proof", new_name="proof_file"),
        migrations.RenameField(
            model_name="historicaldelivery", old_name="proof", new_name="proof_file"
        ),
        migrations.AddField(
            model_name="delivery",
            name="proof",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=PROTECT,
                related_name="delivery",
                to="cases.attachment",
                verbose_name="bukti penyaluran",
            ),
        ),
        migrations.AddField(
            model_name="historicaldelivery",
            name="proof",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=DO_NOTHING,
                related_name="+",
                to="cases.attachment",
                verbose_name="bukti penyaluran",
            ),
        ),
        migrations.RunPython(move_proofs, migrations.RunPython.noop),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
