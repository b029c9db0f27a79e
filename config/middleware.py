"""Bahasa Indonesia first: the browser's language preference does not override it."""


class IndonesianFirstMiddleware:
    """Drop ``Accept-Language`` so only the language the user chose (cookie) or the site's
    default applies: an office PC set up in English still shows Simpul in Indonesian."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
