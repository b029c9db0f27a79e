from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kasus/baru/", views.case_open, name="case_open"),
    path("kasus/<str:number>/", views.case_detail, name="case_detail"),
    path("kasus/<str:number>/nik/", views.case_reveal_nik, name="case_reveal_nik"),
    path("penduduk/<id:pk>/", views.person_detail, name="person_detail"),
    path("penduduk/<id:pk>/ekspor/", views.person_export, name="person_export"),
    path("lampiran/<id:pk>/", views.attachment_download, name="attachment_download"),
]
