"""``manage.py find_duplicates AREA``: look for duplicate records among registered people."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Region
from cases.services.duplicates import scan_duplicates


class Command(BaseCommand):
    help = (
        "Find likely duplicate records among the people of an area (Kemendagri code of a "
        "regency, district or village) and list them on the duplicates worklist."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("area", help="Kemendagri region code, e.g. 76.04 (a regency)")

    def handle(self, *args, area: str, **options) -> None:
        if not Region.objects.filter(code=area).exists():
            raise CommandError(f"Unknown region code: {area}")
        created = scan_duplicates(area)
        self.stdout.write(f"{created} new duplicate pair(s) in {area}.")
