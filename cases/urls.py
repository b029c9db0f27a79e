from django.urls import path

from . import move_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("mulai/", views.start, name="start"),
    path("kasus/baru/", views.case_open, name="case_open"),
    path("kasus/baru/cek-nik/", views.intake_nik_lookup, name="intake_nik_lookup"),
    path("wilayah/pilih/", views.region_picker, name="region_picker"),
    path("kasus/<str:number>/", views.case_detail, name="case_detail"),
    path("kasus/<str:number>/nik/", views.case_reveal_nik, name="case_reveal_nik"),
    path("kasus/<str:number>/berkas/", views.case_add_document, name="case_add_document"),
    path("kasus/<str:number>/catatan/", views.case_add_note, name="case_add_note"),
    path("penduduk/<id:pk>/", views.person_detail, name="person_detail"),
    path("penduduk/<id:pk>/ekspor/", views.person_export, name="person_export"),
    path("lampiran/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("pindah/", move_views.move_list, name="move_list"),
    path("pindah/baru/", move_views.move_request_new, name="move_request_new"),
    path("pindah/<id:pk>/", move_views.move_request_detail, name="move_request_detail"),
]
