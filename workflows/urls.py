from django.urls import path

from . import views

urlpatterns = [
    path("tugas/", views.inbox, name="inbox"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("tugas/<id:task_id>/ambil/", views.task_claim, name="task_claim"),
    path("tugas/<id:task_id>/selesai/", views.task_complete, name="task_complete"),
    path("tugas/<id:task_id>/alihkan/", views.task_assign, name="task_assign"),
    path("tugas/<id:task_id>/tiadakan/", views.task_waive, name="task_waive"),
    path("notifikasi/", views.notification_list, name="notification_list"),
    path(
        "notifikasi/<id:notification_id>/baca/", views.notification_read, name="notification_read"
    ),
    path("notifikasi/baca-semua/", views.notification_read_all, name="notification_read_all"),
]
