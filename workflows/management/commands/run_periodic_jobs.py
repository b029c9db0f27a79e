"""``manage.py run_periodic_jobs``: the every-minute jobs once, for cron when
``BACKGROUND_ENGINE=none`` (named apart from viewflow's own ``workflow_timers``, which
shadowed the earlier name of this command and ran none of them)."""

from django.core.management.base import BaseCommand

from workflows.background import run_periodic_jobs


class Command(BaseCommand):
    help = (
        "Run the periodic jobs once: overdue notices, escalations, e-mails, and the purges "
        "(idempotency records, API tokens, pending uploads, expired exports)."
    )

    def handle(self, *args, **options):
        result = run_periodic_jobs()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in result.items()))
