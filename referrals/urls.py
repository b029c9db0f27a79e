from django.urls import path

from . import views

urlpatterns = [
    path("antrean/", views.agency_queue, name="agency_queue"),
    path("rujukan/<id:pk>/", views.referral_detail, name="referral_detail"),
    path("rujukan/<id:pk>/surat.pdf", views.referral_letter, name="referral_letter"),
]
