"""The demo's master data (agencies, offices, routing, days off) and staff accounts."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from agencies.models import Agency, DayOff, Membership, Office, Role, RoutingRule, Service
from web.demo.data import (
    ACCOUNTS,
    AGENCIES,
    AGENCY_STAFF_ACCOUNTS,
    BANGKA_TENGAH,
    BENGKALIS,
    DEMO_PASSWORD,
    NIBUNG,
)


def ensure_master_data() -> None:
    """Agencies, offices and routing rules of the demo regencies."""
    for code, name, kind, regency in AGENCIES:
        Agency.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "regency_id": regency}
        )
    offices = [
        ("SLRT Kabupaten Bangka Tengah", "slrt", BANGKA_TENGAH),
        ("Puskesos Desa Nibung", "puskesos", NIBUNG),
        ("Puskesos Kelurahan Koba", "puskesos", "19.04.01.1001"),
        ("SLRT Kabupaten Bengkalis", "slrt", BENGKALIS),
        ("Puskesos Kota Bengkalis", "puskesos", "14.03.01.1001"),
    ]
    for name, kind, area in offices:
        Office.objects.get_or_create(kind=kind, area_id=area, defaults={"name": name})
    # The regency SLRT's letters are signed by the head of the social affairs office
    # (a made-up official); the others are signed by whoever sends them.
    Office.objects.filter(kind="slrt", area_id=BANGKA_TENGAH, signatory_name="").update(
        signatory_name="Drs. Ahmad Fauzi, M.Si.",
        signatory_position="Kepala Dinas Sosial Kabupaten Bangka Tengah",
        signatory_nip="197003151995031002",
    )
    rules = [
        ("pengobatan-rs", "rsud-bateng"),
        ("pbi-jk", "dinkes-bateng"),
    ]
    for service_code, agency_code in rules:
        RoutingRule.objects.get_or_create(
            service=Service.objects.get(code=service_code),
            region_id=BANGKA_TENGAH,
            agency=Agency.objects.get(code=agency_code),
        )
    DayOff.objects.get_or_create(
        date=dt.date(2026, 12, 24), region=None, defaults={"name": "Cuti bersama Hari Raya Natal"}
    )


def ensure_accounts() -> None:
    User = get_user_model()
    # Hashing is slow on purpose; the demo accounts share one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD)
    for account in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@simpul.example",
                "is_staff": account.superuser,
                "is_superuser": account.superuser,
            },
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        office = None
        if account.office:
            kind = "puskesos" if account.office.count(".") == 3 else "slrt"
            office = Office.objects.get(kind=kind, area_id=account.office)
        agency = Agency.objects.get(code=account.agency) if account.agency else None
        Membership.objects.get_or_create(
            user=user,
            role=account.role,
            agency=agency,
            office=office,
            area_id=account.area,
        )
    for staff_name, head_name, code in AGENCY_STAFF_ACCOUNTS:
        agency = Agency.objects.get(code=code)
        for username, role in ((staff_name, Role.AGENCY_STAFF), (head_name, Role.AGENCY_APPROVER)):
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": agency.name[:30]}
            )
            if created:
                user.password = password_hash
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(
                user=user, role=role, agency=agency, area_id=BANGKA_TENGAH
            )
