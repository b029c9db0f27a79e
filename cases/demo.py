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
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, DayOff, Membership, Office, Region, Role, RoutingRule, Service
from agencies.services import system_user

from .models import Case, Person, Relationship
from .services import (
    PersonInput,
    assign_family,
    open_case,
    record_registry_status,
    register_person,
)

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
            user.set_password(DEMO_PASSWORD)
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
    bks = _villages(BENGKALIS)[:10]
    used_nik = set(Person.objects.exclude(nik=None).values_list("nik", flat=True))
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


@transaction.atomic
def load_demo() -> int:
    system_user()
    ensure_master_data()
    ensure_accounts()
    if Case.objects.filter(opened_by__username__in=["petugas", "frontoffice"]).exists():
        return 0
    return create_cases()
