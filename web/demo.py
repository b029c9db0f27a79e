"""Demo data: Bangka Tengah agencies and staff, families, and about 200 cases.

Everything goes through the same services as real use (``open_case``). Running it again
changes nothing: accounts and master data are fetched by natural key, and cases are created
only when the demo has none yet. The randomness is seeded, so every demo looks the same.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, DayOff, Membership, Office, Region, Role, RoutingRule, Service
from agencies.services import system_user
from cases.models import Case, Person, Relationship
from cases.services import (
    PersonInput,
    assign_family,
    record_registry_status,
    register_person,
)
from referrals.models import Referral
from workflows import services as wf
from workflows.deadlines import deadline_for
from workflows.escalation import check_deadlines
from workflows.models import Notification, WorkItem
from workflows.services import open_case

DEMO_PASSWORD = "simpul-demo"

BANGKA_TENGAH = "19.04"
KOBA = "19.04.01"
NIBUNG = "19.04.01.2003"
BENGKALIS = "14.03"

AGENCIES = [
    # code, name, kind, regency
    ("dinsos-bateng", "Dinas Sosial Kabupaten Bangka Tengah", "dinsos", BANGKA_TENGAH),
    ("dinkes-bateng", "Dinas Kesehatan Kabupaten Bangka Tengah", "dinkes", BANGKA_TENGAH),
    ("dindik-bateng", "Dinas Pendidikan Kabupaten Bangka Tengah", "dindik", BANGKA_TENGAH),
    ("pangan-bateng", "Dinas Pangan Kabupaten Bangka Tengah", "pangan", BANGKA_TENGAH),
    ("perikanan-bateng", "Dinas Perikanan Kabupaten Bangka Tengah", "perikanan", BANGKA_TENGAH),
    (
        "perkim-bateng",
        "Dinas Perumahan dan Kawasan Permukiman Bangka Tengah",
        "perumahan",
        BANGKA_TENGAH,
    ),
    (
        "dukcapil-bateng",
        "Dinas Kependudukan dan Pencatatan Sipil Bangka Tengah",
        "dukcapil",
        BANGKA_TENGAH,
    ),
    ("baznas-bateng", "BAZNAS Kabupaten Bangka Tengah", "baznas", BANGKA_TENGAH),
    ("rsud-bateng", "RSUD Kabupaten Bangka Tengah", "rs", BANGKA_TENGAH),
    ("dinsos-bengkalis", "Dinas Sosial Kabupaten Bengkalis", "dinsos", BENGKALIS),
    ("dinkes-bengkalis", "Dinas Kesehatan Kabupaten Bengkalis", "dinkes", BENGKALIS),
    ("baznas-bengkalis", "BAZNAS Kabupaten Bengkalis", "baznas", BENGKALIS),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    area: str
    agency: str = ""
    office: str = ""  # region code of the office's area
    superuser: bool = False

    @property
    def description(self) -> str:
        return f"{self.first_name} {self.last_name}"


ACCOUNTS = [
    DemoAccount("admin", "Admin", "Simpul", Role.ADMINISTRATOR, BANGKA_TENGAH, superuser=True),
    DemoAccount("petugas", "Siti", "Rahmawati", Role.INTAKE, NIBUNG, office=NIBUNG),
    DemoAccount(
        "frontoffice", "Maya", "Anggraini", Role.INTAKE, BANGKA_TENGAH, office=BANGKA_TENGAH
    ),
    DemoAccount("peksos", "Andi", "Saputra", Role.SOCIAL_WORKER, KOBA, office=BANGKA_TENGAH),
    DemoAccount(
        "backoffice", "Rina", "Wulandari", Role.BACK_OFFICE, BANGKA_TENGAH, office=BANGKA_TENGAH
    ),
    DemoAccount(
        "manajer", "Hendra", "Gunawan", Role.SUPERVISOR, BANGKA_TENGAH, office=BANGKA_TENGAH
    ),
    DemoAccount(
        "dinkes", "Dewi", "Lestari", Role.AGENCY_STAFF, BANGKA_TENGAH, agency="dinkes-bateng"
    ),
    DemoAccount(
        "kadinkes",
        "dr. Bambang",
        "Suryadi",
        Role.AGENCY_APPROVER,
        BANGKA_TENGAH,
        agency="dinkes-bateng",
    ),
    DemoAccount(
        "dindik", "Yuni", "Astuti", Role.AGENCY_STAFF, BANGKA_TENGAH, agency="dindik-bateng"
    ),
    DemoAccount(
        "baznas", "Ahmad", "Fauzi", Role.AGENCY_STAFF, BANGKA_TENGAH, agency="baznas-bateng"
    ),
    DemoAccount(
        "petugas.bks", "Nurul", "Hidayah", Role.INTAKE, "14.03.01.1001", office="14.03.01.1001"
    ),
    # A social worker for the districts outside Koba, so every demo village has one.
    DemoAccount(
        "peksos.bateng",
        "Rahmat",
        "Hidayat",
        Role.SOCIAL_WORKER,
        BANGKA_TENGAH,
        office=BANGKA_TENGAH,
    ),
]

# Every Bangka Tengah agency also gets a staff member and a head, so every referral can move.
AGENCY_STAFF_ACCOUNTS = [
    (f"staf.{code}", f"kepala.{code}", code)
    for code, _name, _kind, regency in AGENCIES
    if regency == BANGKA_TENGAH
]

ACCOUNT_LABELS = {
    "admin": "superuser (configuration)",
    "petugas": "Puskesos intake officer, Desa Nibung, Kec. Koba",
    "frontoffice": "SLRT front office (intake), Kab. Bangka Tengah",
    "peksos": "social worker, Kec. Koba",
    "backoffice": "SLRT back office, Kab. Bangka Tengah",
    "manajer": "SLRT manager / supervisor, Kab. Bangka Tengah",
    "dinkes": "staff, Dinas Kesehatan Bangka Tengah",
    "kadinkes": "head / approver, Dinas Kesehatan Bangka Tengah",
    "dindik": "staff, Dinas Pendidikan Bangka Tengah",
    "baznas": "staff, BAZNAS Bangka Tengah",
    "petugas.bks": "Puskesos intake officer, Kab. Bengkalis (other regency)",
}

MALE = [
    "Ahmad",
    "Budi",
    "Rudi",
    "Joko",
    "Agus",
    "Hendra",
    "Dedi",
    "Irwan",
    "Sahrul",
    "Rizki",
    "Fajar",
    "Yusuf",
    "Hasan",
    "Samsul",
    "Bayu",
    "Arif",
    "Wahyu",
    "Eko",
    "Firman",
    "Zulkifli",
    "Suhardi",
    "Rahmat",
    "Tarmizi",
    "Akiong",
    "Ahok",
    "Sulaiman",
    "Darmawan",
    "Herman",
]
FEMALE = [
    "Siti",
    "Nur",
    "Dewi",
    "Sri",
    "Rina",
    "Yanti",
    "Lina",
    "Wati",
    "Aisyah",
    "Fitri",
    "Ratna",
    "Maryam",
    "Sari",
    "Desi",
    "Indah",
    "Yuliana",
    "Rosmini",
    "Halimah",
    "Nurhayati",
    "Lestari",
    "Asih",
    "Meilani",
    "Susanti",
    "Juwita",
    "Aminah",
    "Fatimah",
]
FAMILY = [
    "Saputra",
    "Hidayat",
    "Pratama",
    "Wijaya",
    "Kurniawan",
    "Setiawan",
    "Syahputra",
    "Rahman",
    "Santoso",
    "Gunawan",
    "Nugroho",
    "Siregar",
    "Lubis",
    "Harahap",
    "Tanjung",
    "Hamzah",
    "Yusuf",
    "Ismail",
    "Chandra",
    "Halim",
    "Effendi",
    "Ramadhan",
    "Maulana",
]
PLACES = ["Koba", "Pangkalpinang", "Sungailiat", "Toboali", "Muntok", "Namang", "Simpang Katis"]

NEEDS = [
    ("fakir-miskin", ["pbi-jk"], "KIS PBI dinonaktifkan, anak sakit dan perlu berobat ke RSUD."),
    ("fakir-miskin", ["sembako"], "Terdaftar di DTKS tetapi tidak menerima bantuan sembako."),
    ("fakir-miskin", ["pkh"], "Keluarga dengan balita dan ibu hamil belum menerima PKH."),
    ("fakir-miskin", ["rs-rtlh"], "Rumah panggung kayu lapuk, atap bocor, lantai tanah."),
    ("anak-telantar", ["pip"], "Anak putus sekolah kelas 8 karena tidak ada biaya seragam."),
    ("lansia-telantar", ["atensi", "baznas"], "Lansia tinggal sendiri, tidak ada yang merawat."),
    ("penyandang-disabilitas", ["atensi"], "Membutuhkan kursi roda setelah stroke."),
    ("fakir-miskin", ["baznas"], "Kepala keluarga kehilangan pekerjaan di tambang timah."),
    ("fakir-miskin", ["akta-lahir"], "Anak belum memiliki akta kelahiran untuk mendaftar SD."),
    ("korban-bencana-alam", ["beras-daerah"], "Rumah terendam banjir, persediaan beras habis."),
    ("fakir-miskin", ["subsidi-perikanan"], "Nelayan kecil, perahu rusak diterjang angin."),
    ("perempuan-rawan-sosial-ekonomi", ["pkh", "baznas"], "Janda dengan tiga anak sekolah."),
    ("fakir-miskin", ["kip-kuliah"], "Anak diterima di universitas negeri, butuh KIP-Kuliah."),
    ("odha", ["pbi-jk"], "Membutuhkan jaminan kesehatan untuk pengobatan rutin."),
]

KINDS = ["service_request"] * 8 + ["complaint", "complaint", "question", "suggestion"]
CHANNELS = ["walk_in", "walk_in", "walk_in", "outreach", "online", "phone"]


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
    prefix = region_code.replace(".", "")[:6]
    while True:
        number = f"{prefix}{rng.randint(0, 9999999999):010d}"
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, min_age: int, max_age: int) -> dt.date:
    today = dt.date(2026, 11, 1)
    return today - dt.timedelta(days=rng.randint(min_age * 365, max_age * 365))


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


def _villages(regency: str) -> list[Region]:
    return list(Region.objects.filter(code__startswith=regency + ".", level="village"))


def create_cases(count: int = 200, bengkalis_count: int = 8, seed: int = 2026) -> int:
    """Open demo cases through ``open_case``; returns how many were created."""
    rng = random.Random(seed)
    User = get_user_model()
    intake = User.objects.get(username="petugas")
    front_office = User.objects.get(username="frontoffice")
    intake_bks = User.objects.get(username="petugas.bks")
    bateng = _villages(BANGKA_TENGAH)
    bks = [Region.objects.get(code="14.03.01.1001")]  # petugas.bks's village
    used_nik = set(Person.objects.filter(nik__isnull=False).values_list("nik", flat=True))
    used_kk: set[str] = set()
    now = timezone.now()
    created = 0
    nibung = [v for v in bateng if v.code == NIBUNG]
    plan = [(intake, nibung) if i % 4 == 0 else (front_office, bateng) for i in range(count)]
    plan += [(intake_bks, bks) for _ in range(bengkalis_count)]
    # Oldest first, so case numbers grow with the date they were opened.
    ages = sorted(
        (dt.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600)) for _ in plan),
        reverse=True,
    )
    for (actor, villages), age in zip(plan, ages, strict=True):
        village = rng.choice(villages)
        family_name = rng.choice(FAMILY)
        head_sex = rng.choice("MMMF")
        head_birth = _birth(rng, 25, 75)
        kk_number = _kk(rng, village.code, used_kk)
        head = PersonInput(
            full_name=f"{rng.choice(MALE if head_sex == 'M' else FEMALE)} {family_name}",
            nik=_nik(rng, village.code, head_birth, head_sex, used_nik),
            birth_place=rng.choice(PLACES),
            birth_date=head_birth,
            sex=head_sex,
            phone=f"08{rng.randint(1000000000, 9999999999)}"[:12],
            region_code=village.code,
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 5):03d}",
            street=f"Jl. {rng.choice(['Merdeka', 'Sudirman', 'Pantai', 'Raya Koba', 'Masjid'])} "
            f"No. {rng.randint(1, 120)}",
            relationship=Relationship.HEAD,
        )
        category, services, need = rng.choice(NEEDS)
        beneficiary = None
        if "anak" in category or services[0] in ("pip", "akta-lahir", "kip-kuliah"):
            child_sex = rng.choice("MF")
            child_birth = _birth(rng, 5, 19)
            beneficiary = PersonInput(
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
            opened_at=now - age,
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
            spouse_sex = "F" if head_sex == "M" else "M"
            spouse_birth = _birth(rng, 22, 70)
            register_person(
                actor=actor,
                data=PersonInput(
                    full_name=f"{rng.choice(FEMALE if spouse_sex == 'F' else MALE)} "
                    f"{rng.choice(FAMILY)}",
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
        family = case.beneficiary.family
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
        created += 1
    return created


def _agency_user(agency, role: str):
    member = (
        Membership.objects.filter(agency=agency, role=role, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user


def _advance(case: Case, step: int, rng: random.Random) -> None:
    """Move one demo case ``step`` steps along its flow, through the real services."""

    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["peksos", "peksos.bateng", "backoffice", "manajer"]
        )
    }
    social_worker = users["peksos" if case.region_id.startswith(KOBA + ".") else "peksos.bateng"]

    def task(kind):
        return WorkItem.objects.open().get(case=case, kind=kind)

    def when(hours):
        # ``hours`` after the case was opened, but never in the future (services refuse
        # event times before the case was opened or after now).
        return min(case.opened_at + dt.timedelta(hours=hours), timezone.now())

    if case.kind != "service_request":
        steps = [
            lambda: wf.complete_handling(
                actor=users["backoffice"],
                task_id=task("handling").pk,
                note="Dicek ke SIKS-NG dan dikoordinasikan dengan pendamping PKH.",
            ),
            lambda: wf.complete_response(
                actor=users["backoffice"],
                task_id=task("response").pk,
                response="Sudah kami tindak lanjuti; bantuan akan cair pada tahap berikutnya.",
                channel=rng.choice(["phone", "walk_in"]),
            ),
            lambda: wf.complete_closure(
                actor=users["manajer"], task_id=task("closure").pk, decision="close"
            ),
        ]
        for action in steps[:step]:
            action()
        return

    # step: 0 verification, 1 not eligible & closed, 2 assessment, 3 resolved locally & closed,
    # 4 referral review, 5 approval, 6 delivery, 7 follow-up, 8 served & closed.
    if step == 0:
        return
    eligible = step != 1
    wf.complete_verification(
        actor=social_worker,
        task_id=task("verification").pk,
        visited_at=when(30),
        findings=rng.choice(
            [
                "Rumah semi permanen, dinding papan, atap seng bocor. Penghasilan tidak tetap.",
                "Tinggal bersama anak dan cucu; kepala keluarga buruh harian tambang timah.",
                "Lansia sakit menahun, tidak mampu bekerja; makan dibantu tetangga.",
            ]
        )
        if eligible
        else "Keluarga memiliki usaha warung dan kendaraan roda empat.",
        household_conditions=f"{rng.randint(2, 7)} anggota keluarga",
        recommendation="eligible" if eligible else "not_eligible",
    )
    if step == 1:
        wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")
        return
    if step == 2:
        return
    if step == 3:
        wf.complete_assessment(
            actor=users["backoffice"],
            task_id=task("assessment").pk,
            resolution="resolved_locally",
            note="Diselesaikan oleh Puskesos bersama pemerintah desa.",
        )
        wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")
        return
    services = [s.code for s in case.requested_services.all()] or ["baznas"]
    wf.complete_assessment(
        actor=users["backoffice"],
        task_id=task("assessment").pk,
        resolution="refer",
        referrals=[{"service": code, "note": "Mohon ditindaklanjuti."} for code in services[:1]],
    )
    if step == 4:
        return
    review = task("referral_review")
    wf.review_referral(
        actor=_agency_user(review.agency, Role.AGENCY_STAFF), task_id=review.pk, decision="accept"
    )
    if step == 5:
        return
    approval = task("approval")
    wf.decide_approval(
        actor=_agency_user(approval.agency, Role.AGENCY_APPROVER),
        task_id=approval.pk,
        decision="approve",
    )
    if step == 6:
        return
    delivery = task("delivery")
    wf.record_delivery(
        actor=_agency_user(delivery.agency, Role.AGENCY_STAFF),
        task_id=delivery.pk,
        # The agency accepted the referral just now (the demo runs the services today), and
        # a delivery cannot be dated before its referral was accepted.
        delivered_at=timezone.now(),
        channel="in_kind",
        items="Sesuai program",
        amount=rng.choice([None, 300000, 600000, 1250000]),
    )
    if step == 7:
        return
    wf.complete_follow_up(
        actor=social_worker,
        task_id=task("follow_up").pk,
        contacted_at=when(24 * 14),
        outcome="improved",
        note="Kondisi keluarga membaik.",
    )
    wf.complete_closure(actor=users["manajer"], task_id=task("closure").pk, decision="close")


def _age_open_tasks(rng: random.Random) -> None:
    """Date the open demo tasks back a little, so some are at risk and some overdue.

    Each task is taken to have started up to 1.4 times its allowed time ago (never before
    its case was opened): about a quarter end up overdue, a sixth at risk.
    """

    now = timezone.now()
    for item in WorkItem.objects.open().select_related("case", "referral__service"):
        service = item.referral.service if item.referral else None
        tier = item.case.complaint_tier if item.case.kind != "service_request" else ""
        allowed = (
            deadline_for(
                item.kind,
                start=now,
                region=item.region_id,
                service=service,
                agency=item.agency,
                tier=tier,
            ).due_at
            - now
        )
        start = max(item.case.opened_at, now - allowed * rng.uniform(0, 1.4))
        deadline = deadline_for(
            item.kind,
            start=start,
            region=item.region_id,
            service=service,
            agency=item.agency,
            tier=tier,
        )
        WorkItem.objects.filter(pk=item.pk).update(
            created_at=start, due_at=deadline.due_at, at_risk_at=deadline.at_risk_at
        )
        if item.kind == "referral_review":
            Referral.objects.filter(pk=item.referral_id).update(
                sent_at=start, due_at=deadline.due_at, at_risk_at=deadline.at_risk_at
            )


def advance_cases(seed: int = 7) -> None:
    """Spread the demo cases over every stage: the older ones closed, the newer ones open."""
    rng = random.Random(seed)
    cases = list(
        Case.objects.filter(region__code__startswith=BANGKA_TENGAH + ".").order_by("opened_at")
    )
    for index, case in enumerate(cases):
        old = index < len(cases) * 0.4
        if case.kind == "service_request":
            step = rng.choice([1, 3, 8, 8, 8]) if old else rng.choice([0, 0, 2, 2, 4, 5, 6, 7])
        else:
            step = 3 if old else rng.randint(0, 2)
        _advance(case, step, rng)
    _age_open_tasks(rng)


@transaction.atomic
def load_demo() -> int:

    system_user()
    ensure_master_data()
    ensure_accounts()
    if Case.objects.filter(opened_by__username__in=["petugas", "frontoffice"]).exists():
        return 0
    created = create_cases()
    advance_cases()
    # The backlog of overdue notices shows in the bells; it is not e-mailed on first start.
    check_deadlines()
    Notification.objects.update(emailed_at=timezone.now())
    return created
