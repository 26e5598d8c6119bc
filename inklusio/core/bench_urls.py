"""URLs of the load benchmark (`bench/load.py`): the application's own URLs plus two floor views,
a bare one and a one-query one, that show what the stack costs without the application.

Used only when `INKLUSIO_BENCH_VIEWS=true` (settings.ROOT_URLCONF); never by default, so
production serves `inklusio.urls` alone.
"""

from django.http import HttpRequest, HttpResponse
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


urlpatterns = [
    path("bench/bare", bare, name="bench-bare"),
    path("bench/one-query", one_query, name="bench-one-query"),
    *application_urls,
]
