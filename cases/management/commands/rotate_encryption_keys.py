from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cases.crypto import rotate
from cases.models import Family, Person


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored NIK and No. KK under the first key of FIELD_ENCRYPTION_KEYS. "
        "Keep the old keys listed afterwards: append-only history rows still use them."
    )

    def handle(self, *args, **options):
        total = 0
        for model, column in ((Person, "nik"), (Family, "kk_number")):
            table = model._meta.db_table
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
                rows = cursor.fetchall()
                for pk, token in rows:
                    cursor.execute(
                        f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [rotate(token), pk]
                    )
            total += len(rows)
        self.stdout.write(self.style.SUCCESS(f"{total} values re-encrypted under the current key."))
