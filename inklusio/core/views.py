from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from inklusio.core import selectors
from inklusio.core.forms import DkfdsWidgets


@require_GET
@never_cache
def healthz(request):
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


class LoginForm(DkfdsWidgets, AuthenticationForm):
    pass


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_LOGINS_ENABLED:
            context["demo_logins"] = selectors.demo_logins()
        return context


@login_required
def start(request):
    return render(request, "core/start.html", selectors.start_page_for(request.user))
