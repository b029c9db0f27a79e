"""Seed the national catalogues: 26 PPKS categories, document types, programs and services.

Admins edit these rows afterwards; the migration only adds what is missing (idempotent).
"""

from django.db import migrations

PPKS = [
    # code, name, sensitive
    ("anak-balita-telantar", "Anak balita telantar", False),
    ("anak-telantar", "Anak telantar", False),
    ("anak-berhadapan-hukum", "Anak berhadapan dengan hukum", True),
    ("anak-jalanan", "Anak jalanan", False),
    ("anak-disabilitas", "Anak dengan kedisabilitasan", False),
    ("anak-korban-kekerasan", "Anak korban tindak kekerasan", True),
    ("anak-perlindungan-khusus", "Anak yang memerlukan perlindungan khusus", True),
    ("lansia-telantar", "Lanjut usia telantar", False),
    ("penyandang-disabilitas", "Penyandang disabilitas", False),
    ("tuna-susila", "Tuna susila", True),
    ("gelandangan", "Gelandangan", False),
    ("pengemis", "Pengemis", False),
    ("pemulung", "Pemulung", False),
    ("kelompok-minoritas", "Kelompok minoritas", False),
    ("bekas-warga-binaan", "Bekas warga binaan lembaga pemasyarakatan", True),
    ("odha", "Orang dengan HIV/AIDS", True),
    ("korban-napza", "Korban penyalahgunaan NAPZA", True),
    ("korban-trafficking", "Korban trafficking", True),
    ("korban-kekerasan", "Korban tindak kekerasan", True),
    ("pekerja-migran-bermasalah", "Pekerja migran bermasalah sosial", False),
    ("korban-bencana-alam", "Korban bencana alam", False),
    ("korban-bencana-sosial", "Korban bencana sosial", False),
    ("perempuan-rawan-sosial-ekonomi", "Perempuan rawan sosial ekonomi", False),
    ("fakir-miskin", "Fakir miskin", False),
    ("keluarga-bermasalah-psikologis", "Keluarga bermasalah sosial psikologis", False),
    ("komunitas-adat-terpencil", "Komunitas adat terpencil", False),
]

DOCUMENTS = [
    ("ktp", "KTP"),
    ("kk", "Kartu Keluarga (KK)"),
    ("sktm", "Surat Keterangan Tidak Mampu (SKTM)"),
    ("surat-pernyataan", "Surat pernyataan"),
    ("foto-rumah", "Foto rumah (depan, dalam, dapur, kamar mandi)"),
    ("surat-keterangan-sakit", "Surat keterangan sakit / rujukan dokter"),
    ("surat-keterangan-sekolah", "Surat keterangan aktif sekolah / kuliah"),
    ("surat-keterangan-domisili", "Surat keterangan domisili dari desa"),
    ("kartu-kks", "Kartu Keluarga Sejahtera (KKS)"),
    ("bukti-kepemilikan-lahan", "Bukti kepemilikan lahan / rumah"),
    ("surat-keterangan-lahir", "Surat keterangan lahir dari bidan / rumah sakit"),
    ("kartu-nelayan", "Kartu pelaku usaha kelautan dan perikanan (KUSUKA)"),
]

SERVICES = [
    # code, name, agency kind, response working days, aid type, documents
    ("pkh", "PKH (Program Keluarga Harapan)", "dinsos", 14, "pkh", ["ktp", "kk", "sktm"]),
    ("sembako", "Program Sembako / BPNT", "dinsos", 14, "sembako", ["ktp", "kk", "kartu-kks"]),
    (
        "pbi-jk",
        "PBI-JK / KIS (jaminan kesehatan bersubsidi)",
        "dinkes",
        5,
        "jaminan-kesehatan",
        ["ktp", "kk", "sktm", "surat-pernyataan", "foto-rumah", "surat-keterangan-sakit"],
    ),
    (
        "jamkesda",
        "Jaminan kesehatan daerah (UHC daerah)",
        "dinkes",
        5,
        "jaminan-kesehatan",
        ["ktp", "kk", "sktm"],
    ),
    (
        "pip",
        "PIP / KIP (Program Indonesia Pintar)",
        "dindik",
        14,
        "bantuan-pendidikan",
        ["ktp", "kk", "surat-keterangan-sekolah"],
    ),
    (
        "kip-kuliah",
        "KIP-Kuliah",
        "dindik",
        14,
        "bantuan-pendidikan-tinggi",
        ["ktp", "kk", "sktm", "surat-keterangan-sekolah"],
    ),
    ("atensi", "ATENSI (rehabilitasi sosial)", "dinsos", 7, "atensi", ["ktp", "kk"]),
    (
        "rs-rtlh",
        "RS-RTLH (rehabilitasi rumah tidak layak huni)",
        "perumahan",
        15,
        "rehab-rumah",
        ["ktp", "kk", "sktm", "foto-rumah", "bukti-kepemilikan-lahan"],
    ),
    ("blt-dd", "BLT Dana Desa", "desa", 7, "blt", ["ktp", "kk", "surat-keterangan-domisili"]),
    ("baznas", "Bantuan zakat BAZNAS", "baznas", 7, "zakat", ["ktp", "kk", "sktm"]),
    ("ktp-el", "Penerbitan KTP-el", "dukcapil", 5, "", ["kk"]),
    ("kk", "Penerbitan / perubahan Kartu Keluarga", "dukcapil", 5, "", ["ktp", "kk"]),
    (
        "akta-lahir",
        "Akta kelahiran",
        "dukcapil",
        5,
        "",
        ["kk", "surat-keterangan-lahir"],
    ),
    ("cbp-beras", "Bantuan pangan beras (pusat)", "pangan", 7, "beras", ["ktp", "kk"]),
    ("beras-daerah", "Bantuan beras daerah", "pangan", 7, "beras", ["ktp", "kk"]),
    (
        "subsidi-perikanan",
        "Bantuan / subsidi nelayan",
        "perikanan",
        14,
        "subsidi-nelayan",
        ["ktp", "kk", "kartu-nelayan"],
    ),
    ("pupuk-bersubsidi", "Pupuk bersubsidi", "pertanian", 14, "pupuk", ["ktp", "kk"]),
    (
        "pengobatan-rs",
        "Pengobatan / rawat inap di rumah sakit",
        "rs",
        2,
        "pengobatan",
        ["ktp", "kk", "surat-keterangan-sakit"],
    ),
]


def seed(apps, schema_editor):
    PpksCategory = apps.get_model("agencies", "PpksCategory")
    DocumentType = apps.get_model("agencies", "DocumentType")
    Service = apps.get_model("agencies", "Service")
    for order, (code, name, sensitive) in enumerate(PPKS, start=1):
        PpksCategory.objects.get_or_create(
            code=code, defaults={"name": name, "is_sensitive": sensitive, "sort_order": order}
        )
    documents = {}
    for code, name in DOCUMENTS:
        documents[code], _ = DocumentType.objects.get_or_create(code=code, defaults={"name": name})
    for code, name, kind, days, aid_type, docs in SERVICES:
        service, created = Service.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "agency_kind": kind,
                "response_days": days,
                "aid_type": aid_type,
            },
        )
        if created:
            service.required_documents.set([documents[d] for d in docs])


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
