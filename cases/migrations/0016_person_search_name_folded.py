"""A person's ``search_name`` becomes the folded key of their name (``cases.names.name_key``:
old spelling, short forms and doubled letters folded, invisible characters gone), which
search and the duplicate checks now compare (issue 14). Recomputed here for everyone
registered; it is derived data, so no history is written."""

from django.db import migrations

from cases.names import name_key

BATCH = 2000


def fold_names(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    batch = []
    for person in Person.objects.only("pk", "full_name", "search_name").iterator(BATCH):
        key = name_key(person.full_name)[:150]
        if key != person.search_name:
            person.search_name = key
            batch.append(person)
        if len(batch) >= BATCH:
            Person.objects.bulk_update(batch, ["search_name"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_catalogue_history_triggers_again")]

    operations = [migrations.RunPython(fold_names, migrations.RunPython.noop)]
