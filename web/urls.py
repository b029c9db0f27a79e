"""The pages that merge several apps: cases with their tasks and timeline, the inbox and
dashboard, the agency queue and referrals."""

from django.urls import path

from . import (
    case_pages,
    duplicate_pages,
    import_pages,
    intake_pages,
    person_pages,
    print_pages,
    quality_pages,
    referral_pages,
    registry_pages,
    task_pages,
)

urlpatterns = [
    # Tasks and notifications
    path("tugas/", task_pages.inbox, name="inbox"),
    path("dasbor/", task_pages.dashboard, name="dashboard"),
    path("tugas/<id:task_id>/ambil/", task_pages.task_claim, name="task_claim"),
    path("tugas/<id:task_id>/selesai/", task_pages.task_complete, name="task_complete"),
    path("tugas/<id:task_id>/alihkan/", task_pages.task_assign, name="task_assign"),
    path("tugas/<id:task_id>/tiadakan/", task_pages.task_waive, name="task_waive"),
    path("notifikasi/", task_pages.notification_list, name="notification_list"),
    path(
        "notifikasi/<id:notification_id>/baca/",
        task_pages.notification_read,
        name="notification_read",
    ),
    path(
        "notifikasi/baca-semua/",
        task_pages.notification_read_all,
        name="notification_read_all",
    ),
    # Agency queue and referrals
    path("antrean/", referral_pages.agency_queue, name="agency_queue"),
    path("rujukan/<id:pk>/", referral_pages.referral_detail, name="referral_detail"),
    path("rujukan/<id:pk>/surat.pdf", referral_pages.referral_letter, name="referral_letter"),
    path("cek-surat/", referral_pages.letter_check, name="letter_check"),
    # Cases, people, documents
    path("", case_pages.home, name="home"),
    path("mulai/", case_pages.start, name="start"),
    path("kasus/baru/", intake_pages.case_open, name="case_open"),
    path("pengaduan/baru/", intake_pages.complaint_open, name="complaint_open"),
    path("kasus/baru/cek-nik/", intake_pages.intake_nik_lookup, name="intake_nik_lookup"),
    path("wilayah/pilih/", intake_pages.region_picker, name="region_picker"),
    path("kasus/<str:number>/", case_pages.case_detail, name="case_detail"),
    path("kasus/<str:number>/nik/", case_pages.case_reveal_nik, name="case_reveal_nik"),
    path("kasus/<str:number>/berkas/", case_pages.case_add_document, name="case_add_document"),
    path("kasus/<str:number>/catatan/", case_pages.case_add_note, name="case_add_note"),
    path("kasus/<str:number>/buka-kembali/", case_pages.case_reopen, name="case_reopen"),
    path("kasus/<str:number>/tanda-terima.pdf", print_pages.case_receipt, name="case_receipt"),
    path("kasus/<str:number>/ringkasan.pdf", print_pages.case_summary, name="case_summary"),
    path(
        "kasus/<str:number>/kunjungan/<id:pk>/berita-acara.pdf",
        print_pages.case_visit_minutes,
        name="case_visit_minutes",
    ),
    path("kasus/<str:number>/tingkat/", case_pages.case_change_tier, name="case_change_tier"),
    path("penduduk/<id:pk>/", person_pages.person_detail, name="person_detail"),
    path("penduduk/<id:pk>/ekspor/", person_pages.person_export, name="person_export"),
    path("penduduk/<id:pk>/perbaiki/", registry_pages.person_correct, name="person_correct"),
    path("penduduk/<id:pk>/status/", registry_pages.person_life_event, name="person_life_event"),
    path("penduduk/<id:pk>/kk/", registry_pages.person_family, name="person_family"),
    path(
        "penduduk/<id:pk>/kk/anggota-baru/",
        registry_pages.person_family_member,
        name="person_family_member",
    ),
    path("validasi/", registry_pages.validation_list, name="validation_list"),
    path("data-ganda/", duplicate_pages.duplicate_list, name="duplicate_list"),
    path("data-ganda/<id:pk>/", duplicate_pages.duplicate_detail, name="duplicate_detail"),
    path(
        "data-ganda/<id:pk>/bukan-sama/",
        duplicate_pages.duplicate_not_same,
        name="duplicate_not_same",
    ),
    path("data-ganda/<id:pk>/gabung/", duplicate_pages.duplicate_merge, name="duplicate_merge"),
    path("kualitas-data/", quality_pages.quality_overview, name="quality_overview"),
    path("kualitas-data/<slug:key>/", quality_pages.quality_list, name="quality_list"),
    path(
        "penduduk/<id:pk>/cek-registri/",
        registry_pages.person_registry_check,
        name="person_registry_check",
    ),
    path("impor/", import_pages.import_list, name="import_list"),
    path("impor/baru/", import_pages.import_new, name="import_new"),
    path("impor/<id:pk>/", import_pages.import_detail, name="import_detail"),
    path("impor/<id:pk>/progres/", import_pages.import_progress, name="import_progress"),
    path("impor/<id:pk>/impor/", import_pages.import_commit, name="import_commit"),
    path("impor/<id:pk>/ulang/", import_pages.import_restart, name="import_restart"),
    path("impor/<id:pk>/laporan.xlsx", import_pages.import_report, name="import_report"),
    path("lampiran/<id:pk>/", person_pages.attachment_download, name="attachment_download"),
]
