from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kasus/baru/", views.case_open, name="case_open"),
    path("kasus/<str:number>/", views.case_detail, name="case_detail"),
    path("lampiran/<int:pk>/", views.attachment_download, name="attachment_download"),
]
