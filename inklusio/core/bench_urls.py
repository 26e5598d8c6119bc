"""URLs of the load benchmark (`bench/load.py`): the application's own URLs plus three floor
views, a bare one and a one-query one, that show what the stack costs without the application,
and an empty page for the signed-in user: what every page costs before its own content.

Used only when `INKLUSIO_BENCH_VIEWS=true` (settings.ROOT_URLCONF); never by default, so
production serves `inklusio.urls` alone.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from inklusio.organisation.models import Municipality
from inklusio.urls import urlpatterns as application_urls


def bare(request: HttpRequest) -> HttpResponse:
    """The stack's floor: middleware, routing and a response, no database."""
    return HttpResponse("ok", content_type="text/plain")


def one_query(request: HttpRequest) -> HttpResponse:
    """The floor plus exactly one small query."""
    name = Municipality.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(f"ok {len(name or '')}", content_type="text/plain")


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    """An application page with nothing on it: the session, the user, the second-factor check,
    the menu and the page frame."""
    return render(request, "core/bench_signed_in.html")


urlpatterns = [
    path("bench/bare", bare, name="bench-bare"),
    path("bench/one-query", one_query, name="bench-one-query"),
    path("bench/signed-in", signed_in, name="bench-signed-in"),
    *application_urls,
]
