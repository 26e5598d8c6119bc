from django.conf import settings
from django.utils import translation


class DanishFirstLocaleMiddleware:
    """Danish unless the user chose another language; the browser's language is not guessed,
    since staff share municipal machines with English-language browsers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Pages, files and API answers may hold a child's data: no browser or proxy keeps a copy,
    so Back after logging out on a shared PC shows nothing. (Static files are served before
    this middleware and keep their long cache.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store, private"
        response.headers.setdefault("Pragma", "no-cache")
        return response
