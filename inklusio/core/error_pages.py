"""The error pages (`handler400` … `handler500` in `inklusio/urls.py`), in Danish.

Django's own error views first fetch the CSRF token (`requires_csrf_token`). With the token kept
in the session (`CSRF_USE_SESSIONS`), that fails for an error raised before the session
middleware ran — an unknown Host header, for one — and the error page became a second error.
So the 400 and 500 pages are rendered without the request (no user, menu or database), and the
404 and 403 pages get the menu and the language switch only when the request got that far.
"""

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.views import defaults


def _past_the_session_middleware(request: HttpRequest) -> bool:
    return hasattr(request, "session") and hasattr(request, "user")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _past_the_session_middleware(request):
        return defaults.permission_denied(request, exception)
    return HttpResponseForbidden(loader.render_to_string("403.html"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _past_the_session_middleware(request):
        return defaults.page_not_found(request, exception)
    return HttpResponseNotFound(loader.render_to_string("404.html"))


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.render_to_string("500.html"))
