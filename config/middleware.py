"""Bahasa Indonesia first: the browser's language preference does not override it; a
signed-in user's own choice (kept on their account) does."""

from django.conf import settings
from django.utils import translation

USER_LANGUAGE_SESSION_KEY = "simpul_language"


class IndonesianFirstMiddleware:
    """Drop ``Accept-Language`` so only the language the user chose (cookie) or the site's
    default applies: an office PC set up in English still shows Simpul in Indonesian."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Activate the language stored on the signed-in user's account (copied into the session
    at sign-in, so no query per request). Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(USER_LANGUAGE_SESSION_KEY)
        if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class MembershipCacheMiddleware:
    """Each user's memberships are read once per request, whichever page, endpoint or
    template asks (``agencies.selectors.active_memberships``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from agencies.selectors import memberships_cached

        with memberships_cached():
            return self.get_response(request)
