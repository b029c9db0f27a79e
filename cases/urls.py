"""Pages of the case record alone: move requests (pindah domisili)."""

from django.urls import path

from . import move_views

urlpatterns = [
    path("pindah/", move_views.move_list, name="move_list"),
    path("pindah/baru/", move_views.move_request_new, name="move_request_new"),
    path("pindah/<id:pk>/", move_views.move_request_detail, name="move_request_detail"),
]
