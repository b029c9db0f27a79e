from django.core.management.base import BaseCommand

from workflows.background import run_periodic_jobs


class Command(BaseCommand):
    help = "Run the periodic workflow jobs once: overdue notices, escalations, e-mails."

    def handle(self, *args, **options):
        result = run_periodic_jobs()
        self.stdout.write(
            f"overdue notices: {result['overdue_notices']}, escalations: "
            f"{result['escalations']}, e-mails: {result['emails']}"
        )
