from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

import config.converters  # noqa: F401  (registers the <id:...> URL converter)
import config.views

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages that name no icon (the bare error pages).
    path("favicon.ico", config.views.favicon),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", config.views.set_language, name="set_language"),
    path("api/v1/", include("config.api_urls")),
    # Signed-in users only: 401 for an anonymous API client, the login page for a person.
    # The split view serves its script as a file, so the page needs no inline script (CSP).
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema",
                permission_classes=[IsAuthenticated],
                template_name="api_docs.html",
            )
        ),
        name="api_docs",
    ),
    path("", include("web.urls")),
    path("", include("cases.urls")),
]

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
