"""Issue 10, faults 4 and 5: numbers in one spelling, file names that hold no NIK.

* Attachments: every row gets a generated name (``ktp-1904-2026-000012-1.jpg``, as
  ``cases.attachments.save_attachment`` now gives new uploads) in place of the uploader's
  file name, and a history row saying so. The history rows written before keep the old
  name: history is append-only (``cases/append_only.py``). Stored files keep their paths,
  which were random already (``attachments/<case id>/<hex>.<ext>``).
* People and families: a NIK or No. KK stored in another spelling (full-width digits,
  separators) is stored normalised with the index of the normalised number, unless another
  record already holds that number: such pairs are the duplicates fault 4 made, left for
  an officer to merge. A value that is not ASCII digits once normalised is left as it is.
"""

from collections import Counter

from django.db import migrations, models
from django.utils import timezone

import cases.nik
from cases.crypto import blind_index
from cases.nik import is_ascii_digits, normalize_number

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
REASON = "Nama berkas diganti nama buatan sistem (tanpa NIK)."


def name_attachments(apps, schema_editor):
    Attachment = apps.get_model("cases", "Attachment")
    HistoricalAttachment = apps.get_model("cases", "HistoricalAttachment")
    fields = [f.attname for f in Attachment._meta.concrete_fields]
    taken: Counter = Counter()
    now = timezone.now()
    rows = Attachment.objects.select_related("case", "document_type").order_by(
        "case_id", "uploaded_at", "pk"
    )
    for attachment in rows.iterator():
        code = attachment.document_type.code if attachment.document_type else attachment.kind
        stem = f"{code.lower().replace('_', '-')}-{attachment.case.number}-"
        taken[stem] += 1
        name = f"{stem}{taken[stem]}{EXTENSIONS.get(attachment.content_type, '')}"
        if attachment.original_name == name:
            continue
        Attachment.objects.filter(pk=attachment.pk).update(original_name=name)
        attachment.original_name = name
        values = {field: getattr(attachment, field) for field in fields}
        values["file"] = attachment.file.name
        HistoricalAttachment.objects.create(
            **values,
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
        )


def normalise_numbers(apps, schema_editor):
    for model_name, field, index in (
        ("Person", "nik", "nik_index"),
        ("Family", "kk_number", "kk_index"),
    ):
        model = apps.get_model("cases", model_name)
        rows = model.objects.exclude(**{f"{field}__isnull": True}).only("pk", field, index)
        for row in rows.iterator():
            value = getattr(row, field)
            number = normalize_number(value)
            if not value or number == value or not is_ascii_digits(number):
                continue
            new_index = blind_index(number)
            if model.objects.filter(**{index: new_index}).exclude(pk=row.pk).exists():
                continue
            model.objects.filter(pk=row.pk).update(**{field: number, index: new_index})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_idempotency_per_user"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="original_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Dibuat sistem dari jenis berkas dan nomor kasus.",
                max_length=255,
                verbose_name="nama berkas",
            ),
        ),
        migrations.AlterField(
            model_name="historicalattachment",
            name="original_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Dibuat sistem dari jenis berkas dan nomor kasus.",
                max_length=255,
                verbose_name="nama berkas",
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[cases.nik.validate_phone],
                verbose_name="telepon",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[cases.nik.validate_phone],
                verbose_name="telepon",
            ),
        ),
        migrations.RunPython(name_attachments, migrations.RunPython.noop),
        migrations.RunPython(normalise_numbers, migrations.RunPython.noop),
    ]
