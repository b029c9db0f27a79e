from django.core.management.base import BaseCommand

from web.demo import ACCOUNT_LABELS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo: Bangka Tengah agencies, staff accounts and about 200 cases."

    def handle(self, *args, **options):
        created = load_demo(report=self.stdout.write)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data: {created} cases opened."))
        else:
            self.stdout.write("Demo data already present; nothing added.")
        self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD}):")
        for username, label in ACCOUNT_LABELS.items():
            self.stdout.write(f"  {username:<12} {label}")
