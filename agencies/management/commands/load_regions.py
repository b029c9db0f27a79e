from pathlib import Path

from django.core.management.base import BaseCommand

from agencies.regions import bundled_rows, load_regions, read_rows


class Command(BaseCommand):
    help = "Load the Kemendagri region list (provinces to villages). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            help="A code,name CSV to load instead of the list bundled with the installation.",
        )

    def handle(self, *args, file: Path | None = None, **options):
        if file:
            with file.open(encoding="utf-8") as stream:
                report = load_regions(read_rows(stream))
        else:
            report = load_regions(bundled_rows())
        self.stdout.write(
            self.style.SUCCESS(
                f"Regions: {report.created} created, {report.updated} renamed, "
                f"{report.unchanged} unchanged."
            )
        )
