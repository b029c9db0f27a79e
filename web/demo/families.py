"""Demo families and their cases, opened through the intake service."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Region
from cases.models import DuplicatePair, Family, Person, Relationship
from cases.services import (
    PersonInput,
    assign_family,
    record_registry_status,
    register_person,
)
from core.types import Actor
from web.demo.data import (
    BANGKA_TENGAH,
    CHANNELS,
    FAMILY,
    FEMALE,
    KINDS,
    MALE,
    NEEDS,
    NIBUNG,
    PLACES,
)
from workflows.services import open_case


def _nik(rng: random.Random, region_code: str, birth: dt.date, sex: str, used: set[str]) -> str:
    """A NIK that encodes the district, birth date and sex, with a serial not yet used."""
    prefix = region_code.replace(".", "")[:6]
    day = birth.day + (40 if sex == "F" else 0)
    while True:
        nik = f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
        if nik not in used:
            used.add(nik)
            return nik


def _kk(rng: random.Random, region_code: str, used: set[str]) -> str:
    """A family card (KK) number in the district, not yet used."""
    prefix = region_code.replace(".", "")[:6]
    while True:
        number = f"{prefix}{rng.randint(0, 9999999999):010d}"
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, min_age: int, max_age: int) -> dt.date:
    """A birth date between ``min_age`` and ``max_age`` years before 1 November 2026."""
    today = dt.date(2026, 11, 1)
    return today - dt.timedelta(days=rng.randint(min_age * 365, max_age * 365))


def _villages(regency: str) -> list[Region]:
    """The villages of ``regency`` (a Kemendagri code such as ``19.04``)."""
    return list(Region.objects.filter(code__startswith=regency + ".", level="village"))


def _plan(count: int, bengkalis_count: int) -> list[tuple[Actor, list[Region]]]:
    """Who opens each demo case and the villages it may come from, in opening order."""
    User = get_user_model()
    intake = User.objects.get(username="petugas")
    front_office = User.objects.get(username="frontoffice")
    intake_bks = User.objects.get(username="petugas.bks")
    bateng = _villages(BANGKA_TENGAH)
    bks = [Region.objects.get(code="14.03.01.1001")]  # petugas.bks's village
    nibung = [v for v in bateng if v.code == NIBUNG]
    plan = [(intake, nibung) if i % 4 == 0 else (front_office, bateng) for i in range(count)]
    plan += [(intake_bks, bks) for _ in range(bengkalis_count)]
    return plan


def _head(
    rng: random.Random,
    village: Region,
    family_name: str,
    sex: str,
    birth: dt.date,
    used_nik: set[str],
) -> PersonInput:
    """The head of a demo family (the applicant), living in ``village``."""
    return PersonInput(
        full_name=f"{rng.choice(MALE if sex == 'M' else FEMALE)} {family_name}",
        nik=_nik(rng, village.code, birth, sex, used_nik),
        birth_place=rng.choice(PLACES),
        birth_date=birth,
        sex=sex,
        phone=f"08{rng.randint(1000000000, 9999999999)}"[:12],
        region_code=village.code,
        rt=f"{rng.randint(1, 12):03d}",
        rw=f"{rng.randint(1, 5):03d}",
        street=f"Jl. {rng.choice(['Merdeka', 'Sudirman', 'Pantai', 'Raya Koba', 'Masjid'])} "
        f"No. {rng.randint(1, 120)}",
        relationship=Relationship.HEAD,
    )


def _child(
    rng: random.Random, village: Region, family_name: str, head: PersonInput, used_nik: set[str]
) -> PersonInput:
    """A child of ``head``'s family, the beneficiary of a case about children or schooling."""
    child_sex = rng.choice("MF")
    child_birth = _birth(rng, 5, 19)
    return PersonInput(
        full_name=f"{rng.choice(MALE if child_sex == 'M' else FEMALE)} {family_name}",
        nik=_nik(rng, village.code, child_birth, child_sex, used_nik),
        birth_place=head.birth_place,
        birth_date=child_birth,
        sex=child_sex,
        region_code=village.code,
        rt=head.rt,
        rw=head.rw,
        street=head.street,
        relationship=Relationship.CHILD,
    )


def _register_spouse(
    rng: random.Random,
    actor: Actor,
    village: Region,
    head: PersonInput,
    kk_number: str,
    used_nik: set[str],
) -> None:
    """Register the spouse of ``head`` in the family card ``kk_number``."""
    spouse_sex = "F" if head.sex == "M" else "M"
    spouse_birth = _birth(rng, 22, 70)
    register_person(
        actor=actor,
        data=PersonInput(
            full_name=f"{rng.choice(FEMALE if spouse_sex == 'F' else MALE)} {rng.choice(FAMILY)}",
            nik=_nik(rng, village.code, spouse_birth, spouse_sex, used_nik),
            birth_place=rng.choice(PLACES),
            birth_date=spouse_birth,
            sex=spouse_sex,
            region_code=village.code,
            rt=head.rt,
            rw=head.rw,
            street=head.street,
            relationship=Relationship.SPOUSE,
        ),
        kk_number=kk_number,
    )


def _record_registry(rng: random.Random, actor: Actor, family: Family) -> None:
    """Record the family's DTSEN status for most families (some are left unchecked)."""
    if rng.random() < 0.85:
        in_dtsen = rng.random() < 0.8
        record_registry_status(
            actor=actor,
            family=family,
            status="in_dtsen" if in_dtsen else "not_in_dtsen",
            decile=rng.choice([1, 1, 2, 2, 3, 4, 5, 6]) if in_dtsen else None,
            as_of=dt.date(2026, rng.randint(1, 10), 1),
            source="DTSEN BPS (cek SIKS-NG)",
        )


def _open_family_case(
    rng: random.Random,
    actor: Actor,
    villages: list[Region],
    opened_at: dt.datetime,
    used_nik: set[str],
    used_kk: set[str],
) -> None:
    """Make up one family in one of ``villages`` and open its case through ``open_case``."""
    village = rng.choice(villages)
    family_name = rng.choice(FAMILY)
    head_sex = rng.choice("MMMF")
    head_birth = _birth(rng, 25, 75)
    kk_number = _kk(rng, village.code, used_kk)
    head = _head(rng, village, family_name, head_sex, head_birth, used_nik)
    category, services, need = rng.choice(NEEDS)
    beneficiary = None
    if "anak" in category or services[0] in ("pip", "akta-lahir", "kip-kuliah"):
        beneficiary = _child(rng, village, family_name, head, used_nik)
    kind = rng.choice(KINDS)
    result = open_case(
        actor=actor,
        kind=kind,
        channel=rng.choice(CHANNELS),
        ppks_category=category,
        description=need,
        requested_services=services if kind == "service_request" else [],
        applicant=head,
        beneficiary=beneficiary,
        kk_number=kk_number,
        priority=rng.choice(["normal"] * 6 + ["high", "urgent", "low"]),
        opened_at=opened_at,
        # Generated people: a look-alike name in the same village is a coincidence.
        confirm_new_person=True,
        confirm_double_aid=True,
    )
    case = result.case
    if beneficiary is not None:
        # The applicant is the head of the beneficiary's family.
        assign_family(
            actor=actor,
            person=case.applicant,
            kk_number=kk_number,
            relationship=Relationship.HEAD,
        )
    if rng.random() < 0.6:
        _register_spouse(rng, actor, village, head, kk_number, used_nik)
    _record_registry(rng, actor, case.beneficiary.family)


def create_cases(
    count: int = 200,
    bengkalis_count: int = 8,
    seed: int = 2026,
    report: Callable[[str], None] = lambda message: None,
) -> int:
    """Open demo cases through ``open_case``; returns how many were created. ``report``
    hears how far it got every 25 cases."""
    rng = random.Random(seed)
    plan = _plan(count, bengkalis_count)
    used_nik = set(Person.objects.filter(nik__isnull=False).values_list("nik", flat=True))
    used_kk: set[str] = set()
    now = timezone.now()
    created = 0
    # Oldest first, so case numbers grow with the date they were opened.
    ages = sorted(
        (dt.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600)) for _ in plan),
        reverse=True,
    )
    for (actor, villages), age in zip(plan, ages, strict=True):
        _open_family_case(rng, actor, villages, now - age, used_nik, used_kk)
        created += 1
        if created % 25 == 0 or created == len(plan):
            report(f"Cases opened: {created} of {len(plan)}")
    return created


# How names were written twice in the registry: the old spelling, a short form.
LOOK_ALIKE_SPELLINGS = [("u", "oe"), ("y", "j"), ("Muhammad", "M."), ("Siti", "St."), ("c", "tj")]


def register_look_alikes(actor: Actor, *, regency: str, count: int = 6) -> int:
    """Register ``count`` people of ``regency`` a second time without their NIK, their names
    written the old way (Budi / Boedi, Yusuf / Jusuf): the duplicates the back office finds
    on its worklist (``/data-ganda/``). Returns how many pairs went on it."""
    heads = (
        Person.objects.filter(region__code__startswith=regency + ".", relationship="head")
        .exclude(birth_date=None)
        .order_by("pk")
    )
    registered = 0
    for head in heads:
        variant = head.full_name
        for old, new in LOOK_ALIKE_SPELLINGS:
            if old in variant:
                variant = variant.replace(old, new, 1)
                break
        if variant == head.full_name:
            continue
        register_person(
            actor=actor,
            data=PersonInput(
                full_name=variant,
                no_nik_reason="KTP hilang, belum diurus.",
                birth_date=head.birth_date,
                sex=head.sex,
                region_code=head.region_id,
                street=head.street,
            ),
        )
        registered += 1
        if registered == count:
            break
    return DuplicatePair.objects.filter(region__code__startswith=regency + ".").count()
