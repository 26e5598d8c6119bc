from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inklusio import access
from inklusio.children.selectors import ChildSearch
from inklusio.core import selectors
from inklusio.core.forms import DkfdsWidgets, GlobalSearchForm
from inklusio.core.global_search import LIMIT, global_search
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.saved_search import SEARCH_PARAMETER, recall_search, remember_search
from inklusio.core.storage import private_storage


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the app answers and the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "up"
    except Exception:
        database = "down"
    status = 200 if database == "up" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "app": "up", "database": database},
        status=status,
    )


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: this instance may take traffic — the database answers, every migration is
    applied (a new release waits for `migrate`), and the file store takes a write."""
    checks: dict[str, str] = {}
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["database"] = "up"
        checks["migrations"] = "applied" if not plan else "pending"
    except Exception:
        checks["database"] = "down"
    try:
        name = private_storage.save(".readyz", ContentFile(b"ok"))
        private_storage.delete(name)
        checks["files"] = "writable"
    except OSError:
        checks["files"] = "unwritable"
    ready = checks == {"database": "up", "migrations": "applied", "files": "writable"}
    return JsonResponse(
        {"status": "ready" if ready else "not ready", **checks}, status=200 if ready else 503
    )


class LoginForm(DkfdsWidgets, AuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO_LOGINS_ENABLED:
            context["demo_logins"] = selectors.demo_logins()
        return context


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer (AXES_LOCKOUT_CALLABLE) to a sign-in from a username + address that
    failed too often: the right password is refused too until the cool-off has passed."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=429,
    )


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/start.html", selectors.start_page_for(request.user))


_SEARCH_KIND = "global"


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's search: posted, so a CPR number typed never reaches a URL, then shown at
    an address with a session token; results grouped, within the user's access, logged once."""
    if not access.can_list_children(request.user):
        raise Http404  # a family's children are on its own page, Mit barn
    form = GlobalSearchForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        typed = ChildSearch.parse(form.cleaned_data["q"])
        token = remember_search(request.session, _SEARCH_KIND, typed.as_dict())
        return redirect(f"{reverse('search')}?{SEARCH_PARAMETER}={token}")
    saved = recall_search(request.session, _SEARCH_KIND, request.GET.get(SEARCH_PARAMETER))
    typed = ChildSearch.from_dict(saved) if saved else ChildSearch()
    context = {
        "form": form if form.is_bound else GlobalSearchForm(),
        "query": typed.label,
        "groups": global_search(request.user, typed),
        "limit": LIMIT,
    }
    return render(request, "core/search.html", context)
