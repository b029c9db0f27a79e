"""The project's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urls


def fail(request, number: str = ""):
    """Raises, as a bug would, with a citizen's number in a local variable and the message."""
    applicant_nik = request.POST.get("nik") or request.GET.get("q") or number
    raise ValueError(f"duplicate key (nik)=({applicant_nik})")


urlpatterns = [
    path("rusak/", fail),
    path("rusak/<str:number>/", fail),
    path("api/v1/rusak/", fail),
    *project_urls,
]
