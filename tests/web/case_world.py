"""A small regency for the case list's filters (page and API): four cases that differ in every
filtered and sorted field, one of them in another regency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Case
from tests.conftest import AIR_MESU, KOTA_BENGKALIS, NIK_MALE, intake, person, referred_case
from workflows.models import WorkItem

KK_BUDI = "1904010101200001"
KK_DEWI = "1904010101200002"


def local(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@dataclass
class World:
    budi: Case  # Nibung (Koba), service request walk-in, referred to Dinkes (pbi-jk), overdue
    siti: Case  # Air Mesu (Pangkalan Baru), complaint by phone, closed (answered), no task
    dewi: Case  # Nibung, service request, home visit at risk
    bengkalis: Case  # another regency


def build_world(staff) -> World:
    budi = referred_case(staff, nik=NIK_MALE, services=["pbi-jk"], kk_number=KK_BUDI)
    siti = intake(
        staff["manajer"],
        kind="complaint",
        channel="phone",
        requested_services=[],
        applicant=person(
            nik="1904024508900003",
            full_name="Siti Aminah",
            sex="F",
            birth_date=dt.date(1990, 8, 5),
            region_code=AIR_MESU,
        ),
    ).case
    dewi = intake(
        staff["petugas"],
        kk_number=KK_DEWI,
        requested_services=["jamkesda"],
        applicant=person(
            nik="1904014101950004",
            full_name="Dewi Lestari",
            sex="F",
            birth_date=dt.date(1995, 1, 1),
        ),
    ).case
    bengkalis = intake(
        staff["petugas_bks"],
        applicant=person(
            nik="1403015505800005",
            full_name="Rina Bengkalis",
            sex="F",
            birth_date=dt.date(1980, 5, 15),
            region_code=KOTA_BENGKALIS,
        ),
    ).case
    now = timezone.now()
    Case.objects.filter(pk=budi.pk).update(
        opened_at=local(2026, 3, 10), updated_at=local(2026, 7, 1)
    )
    Case.objects.filter(pk=siti.pk).update(
        opened_at=local(2026, 5, 20),
        updated_at=local(2026, 6, 1),
        status="closed",
        stage="closed",
        outcome="answered",
        closed_at=local(2026, 6, 1, 20),  # late evening: still 1 June in the office
    )
    Case.objects.filter(pk=dewi.pk).update(
        opened_at=local(2026, 4, 15), updated_at=local(2026, 8, 1)
    )
    Case.objects.filter(pk=bengkalis.pk).update(
        opened_at=local(2026, 4, 1), updated_at=local(2026, 4, 1)
    )
    WorkItem.objects.filter(case=budi).update(
        due_at=now - dt.timedelta(days=3), at_risk_at=now - dt.timedelta(days=5)
    )
    WorkItem.objects.filter(case=dewi).update(
        due_at=now + dt.timedelta(days=2), at_risk_at=now - dt.timedelta(days=1)
    )
    WorkItem.objects.filter(case=siti).delete()
    WorkItem.objects.filter(case=bengkalis).update(due_at=now - dt.timedelta(days=30))
    return World(budi=budi, siti=siti, dewi=dewi, bengkalis=bengkalis)
