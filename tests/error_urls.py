"""The project's URLs plus one view that fails, for the error-page tests."""

import psycopg
from django.db import OperationalError
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urls


def fail(request, number: str = ""):
    """Raises, as a bug would, with a citizen's number in a local variable and the message."""
    applicant_nik = request.POST.get("nik") or request.GET.get("q") or number
    raise ValueError(f"duplicate key (nik)=({applicant_nik})")


def database_gone(request):
    """Raises what Django raises when PostgreSQL cannot be reached (it is restarting)."""
    try:
        raise psycopg.OperationalError("connection failed: Connection refused")
    except psycopg.OperationalError as error:
        raise OperationalError(str(error)) from error


class LockedOutsideTheViewMiddleware:
    """Fails after the view, as the session save does when SQLite's lock wait runs out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(("/terkunci/", "/api/v1/terkunci/")):
            raise OperationalError("database is locked")
        return response


urlpatterns = [
    path("basis-data-hilang/", database_gone),
    path("api/v1/basis-data-hilang/", database_gone),
    path("rusak/", fail),
    path("rusak/<str:number>/", fail),
    path("api/v1/rusak/", fail),
    *project_urls,
]
