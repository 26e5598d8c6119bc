"""Sign-in beyond the password: the second-factor step and the idle timeout.

A session's second-factor state is kept in the session, for its user: once "ok" (verified,
just enrolled, signed in through OpenID Connect, or nothing asked of this user), the gate costs
no query. A user who set up a second factor is always asked for it; staff (every role but
guardians) must set one up first when INKLUSIO_REQUIRE_2FA is on. Until then only the
second-factor pages, signing out and the public pages answer; everything else redirects there.
"""

import base64
import binascii
import secrets
import time
from urllib.parse import quote, urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people import selectors, services
from inklusio.people.models import User

STATE_KEY = "inklusio_second_factor"
PENDING_KEY = "inklusio_second_factor_key"
CODES_KEY = "inklusio_recovery_codes"
LAST_SEEN_KEY = "inklusio_last_seen"
# Set by the OpenID Connect login (people/oidc.py): the identity provider did the MFA.
LOGIN_METHOD_KEY = "inklusio_login_method"

OK, VERIFY, ENROL = "ok", "verify", "enrol"
VERIFY_VIEW, ENROL_VIEW, CODES_VIEW = (
    "two-factor-verify",
    "two-factor-enrol",
    "two-factor-recovery-codes",
)
# Pages a session may open before its second factor: the step itself, leaving, and the
# public pages (which show nothing of anyone).
_ALWAYS_OPEN = {
    "logout",
    "set_language",
    "healthz",
    "readyz",
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
    # Single sign-on (people/oidc.py) sets LOGIN_METHOD_KEY: it may replace the step.
    "oidc-login",
    "oidc-callback",
}
_OPEN_WHILE = {VERIFY: {VERIFY_VIEW}, ENROL: {ENROL_VIEW, CODES_VIEW}}
# Writing the last request's time on every request would save the session each time; a
# minute's precision is enough for a timeout of many minutes.
_LAST_SEEN_PRECISION_S = 60


def second_factor_state(request: HttpRequest) -> str:
    """OK, VERIFY (a second factor exists: ask for it) or ENROL (required, none set up)."""
    user = request.user
    if request.session.get(LOGIN_METHOD_KEY) == "oidc":
        return OK
    if request.session.get(STATE_KEY) == f"{OK}:{user.pk}":
        return OK
    if not isinstance(user, User):
        # Only called for signed-in users; an anonymous one has nothing to be asked for.
        return OK
    if selectors.has_second_factor(user):
        return VERIFY
    if access.second_factor_required(user):
        return ENROL
    # Nothing is asked of this user now; a second factor set up later in this session marks
    # it verified anyway, and other sessions are asked at their next sign-in.
    request.session[STATE_KEY] = f"{OK}:{user.pk}"
    return OK


def mark_verified(request: HttpRequest, device) -> None:
    """The second factor is done for this session: a new session key (the privilege changed)
    and django-otp's record of the device used."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[STATE_KEY] = f"{OK}:{request.user.pk}"


def pending_key(request: HttpRequest) -> str:
    """The key of the app being set up, kept in the session until a code confirms it (the
    enrolment page writes no row before that)."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[PENDING_KEY] = key
    return str(key)


def manual_key(key: str) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    text = base64.b32encode(binascii.unhexlify(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, key: str) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{user.get_username()}")
    secret = base64.b32encode(binascii.unhexlify(key)).decode()
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI (allowed by the CSP's img-src; no inline markup)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def safe_next(request: HttpRequest, default: str = "start") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class SecondFactorMiddleware:
    """Sends a signed-in session that still owes its second factor to the step it owes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in _ALWAYS_OPEN:
            return None
        state = second_factor_state(request)
        if state == OK:
            return None
        if name in _OPEN_WHILE[state]:
            # base.html leaves out the menu: none of it would open yet.
            request.second_factor_pending = True
            return None
        if request.path.startswith("/api/"):
            # The API's error shape (docs/api.md), in Danish like every other answer.
            message = _("Bekræft først din anden faktor i browseren, eller brug en API-nøgle.")
            return JsonResponse({"detail": message, "errors": []}, status=401)
        target = reverse(VERIFY_VIEW if state == VERIFY else ENROL_VIEW)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class IdleTimeoutMiddleware:
    """Ends a signed-in session after INKLUSIO_IDLE_TIMEOUT_MINUTES without a request: logged
    as a sign-out for that reason, and the person lands on the login page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            minutes = settings.IDLE_TIMEOUT_MINUTES
            if last_seen is not None and now - int(last_seen) > minutes * 60:
                return self._end(request, user, minutes)
            if last_seen is None or now - int(last_seen) >= _LAST_SEEN_PRECISION_S:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def _end(self, request: HttpRequest, user, minutes: int) -> HttpResponse:
        services.session_end_idle(actor=user, minutes=minutes)
        # Not auth.logout(): its signal would log a second, reason-less sign-out.
        request.session.flush()
        request.user = AnonymousUser()
        messages.warning(
            request,
            _(
                "Du er logget ud, fordi du ikke har brugt Inklusio i %(minutes)s minutter. "
                "Log ind igen."
            )
            % {"minutes": minutes},
        )
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect_to_login(reverse("start"))
