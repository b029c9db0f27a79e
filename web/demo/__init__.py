"""Demo data: Bangka Tengah agencies and staff, families, and about 200 cases.

Everything goes through the same services as real use (``open_case``). Running it again
changes nothing: accounts and master data are fetched by natural key, and cases are created
only when the demo has none yet. The randomness is seeded, so every demo looks the same.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.services import system_user
from cases.models import Case
from web.demo.accounts import ensure_accounts, ensure_master_data
from web.demo.data import ACCOUNT_LABELS, BANGKA_TENGAH, DEMO_PASSWORD
from web.demo.families import create_cases, register_look_alikes
from web.demo.progress import advance_cases
from workflows.escalation import check_deadlines
from workflows.models import Notification

__all__ = ["ACCOUNT_LABELS", "DEMO_PASSWORD", "ensure_accounts", "ensure_master_data", "load_demo"]


@transaction.atomic
def load_demo(report: Callable[[str], None] = lambda message: None) -> int:
    """Load the demo in one transaction; returns how many cases it created (0 when the demo
    is already there). ``report`` gets a line at each step, for the command's progress."""
    system_user()
    report("Agencies, offices and accounts...")
    ensure_master_data()
    ensure_accounts()
    if Case.objects.filter(opened_by__username__in=["petugas", "frontoffice"]).exists():
        return 0
    created = create_cases(report=report)
    report("Moving the cases along their workflow...")
    advance_cases()
    report("Registering a few people twice (the duplicates worklist)...")
    register_look_alikes(get_user_model().objects.get(username="backoffice"), regency=BANGKA_TENGAH)
    # The backlog of overdue notices shows in the bells; it is not e-mailed on first start.
    check_deadlines()
    Notification.objects.update(emailed_at=timezone.now())
    return created
