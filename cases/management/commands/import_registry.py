"""``manage.py import_registry FILE [--dry-run] [--user USERNAME] [--kind extract|deaths]``:
import a DTKS/DTSEN extract or a death list as the named back office officer or
supervisor, printing the counts. The same checks, scope and history as the web page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cases.models import ImportKind, ImportState
from cases.registry_import.report import COUNTS
from cases.registry_import.services import (
    registry_import_commit,
    registry_import_create,
    run_registry_import,
)
from core.errors import DomainError


class Command(BaseCommand):
    help = "Import a DTKS/DTSEN extract or a death list (CSV or XLSX): dry run, then commit."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--user", required=True, help="The importing officer's username.")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.EXTRACT)
        parser.add_argument("--area", default="", help="Area code (default: the user's first).")

    def handle(self, *args, file: Path, dry_run: bool, user: str, kind: str, area: str, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            with file.open("rb") as stream:
                registry_import = registry_import_create(
                    actor=actor, kind=kind, file=File(stream), filename=file.name, area_code=area
                )
            registry_import = run_registry_import(registry_import.pk)
            self._print(registry_import)
            if registry_import.state != ImportState.CHECKED or dry_run:
                return
            registry_import_commit(actor=actor, import_id=registry_import.pk)
            self._print(run_registry_import(registry_import.pk))
        except DomainError as error:
            raise CommandError(error.message) from None

    def _print(self, registry_import) -> None:
        if registry_import.state == ImportState.FAILED:
            raise CommandError(registry_import.failure)
        title = "Imported" if registry_import.committed else "Dry run"
        self.stdout.write(f"{title} #{registry_import.pk} ({registry_import.display_name}):")
        for name, label in COUNTS:
            self.stdout.write(f"  {label}: {getattr(registry_import, name)}")
