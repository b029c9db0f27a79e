"""The demo's data literals: agencies, staff accounts, names, places and needs."""

from __future__ import annotations

from dataclasses import dataclass

from agencies.models import Role

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
