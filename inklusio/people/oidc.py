"""Single sign-on with OpenID Connect to the municipality's identity provider (MitID Erhverv
broker, Entra ID, AD FS), on mozilla-django-oidc; settings OIDC_* in inklusio/settings.py and
docs/single-sign-on.md.

A sign-in never creates an account: the identity is matched to an existing active user, first by
the `sub` bound at an earlier sign-in, else by the configured claim (then `sub` is bound); by
e-mail, the default, an open account is preferred to a closed one with the same address, and
two open ones are refused as ambiguous (the users page keeps open accounts' addresses apart). Every
sign-in is in the audit log through Django's `user_logged_in` signal, like a password sign-in;
every refusal here, with its reason, as a failed sign-in.
"""

import functools
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from inklusio.audit.services import audit_failed_sign_in
from inklusio.people.models import User
from inklusio.people.services import SubjectAlreadyBound, user_bind_oidc_subject

logger = logging.getLogger(__name__)

# The login helper's second-factor check reads this: a provider sign-in is verified already.
LOGIN_METHOD_KEY = "inklusio_login_method"
LOGIN_METHOD = "oidc"
# Clocks of provider and server may differ a little.
CLOCK_SKEW_SECONDS = 60


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read or does not fit."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def provider() -> Provider:
    """The provider's endpoints: those given in the settings, the rest from its discovery
    document, read once per process (the cache key changes with the settings)."""
    return _provider(
        settings.OIDC_OP_ISSUER,
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        settings.OIDC_OP_TOKEN_ENDPOINT,
        settings.OIDC_OP_JWKS_ENDPOINT,
        settings.OIDC_OP_USER_ENDPOINT,
        settings.OIDC_OP_LOGOUT_ENDPOINT,
    )


@functools.lru_cache(maxsize=4)
def _provider(
    issuer: str, authorization: str, token: str, jwks: str, userinfo: str, logout: str
) -> Provider:
    if authorization and token and jwks:
        return Provider(issuer, authorization, token, jwks, userinfo, logout)
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery failed: {url}") from error
    # OpenID Connect Discovery 1.0 § 4.3: the document must name the issuer it was asked for.
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailable(f"discovery names another issuer: {document.get('issuer')}")
    try:
        return Provider(
            issuer=document["issuer"],
            authorization_endpoint=authorization or document["authorization_endpoint"],
            token_endpoint=token or document["token_endpoint"],
            jwks_uri=jwks or document["jwks_uri"],
            userinfo_endpoint=userinfo or document.get("userinfo_endpoint", ""),
            end_session_endpoint=logout or document.get("end_session_endpoint", ""),
        )
    except KeyError as error:
        raise ProviderUnavailable(f"discovery lacks {error}") from error


# --- Refusals --------------------------------------------------------------------------------


class SignInRefused(Exception):
    """A single sign-on that does not sign anyone in; the page shows `message`, the audit log
    the `reason` and the account when one was matched (else a keyed hash of `tried`)."""

    def __init__(self, reason: str, *, account: User | None = None, tried: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.account = account
        self.tried = tried

    @property
    def message(self) -> str:
        return str(MESSAGES[self.reason])

    @property
    def status(self) -> int:
        return STATUSES.get(self.reason, 403)


CONTACT = _("Kontakt kommunens administrator af Inklusio.")
MESSAGES = {
    "unknown_user": _(
        "Du er logget ind hos kommunens identitetsudbyder, men der findes ingen aktiv bruger "
        "i Inklusio til dig. Brugere oprettes af kommunens administrator af Inklusio."
    ),
    "ambiguous_user": _(
        "Dit login hos kommunens identitetsudbyder passer til flere brugere i Inklusio, så vi "
        "kan ikke vide, hvem du er. Kontakt kommunens administrator af Inklusio."
    ),
    "inactive_user": _(
        "Din bruger i Inklusio er lukket, så du kan ikke logge ind. Kontakt kommunens "
        "administrator af Inklusio, hvis du skal have adgang igen."
    ),
    "demo_user": _(
        "Demo-brugere kan ikke logge ind i en rigtig kommunes Inklusio. Kontakt kommunens "
        "administrator af Inklusio."
    ),
    "bound_elsewhere": _(
        "Din bruger i Inklusio er knyttet til et andet login hos kommunens identitetsudbyder. "
        "Kontakt kommunens administrator af Inklusio."
    ),
    "unverified_email": _(
        "Kommunens identitetsudbyder har ikke bekræftet din e-mailadresse, så den kan ikke "
        "bruges til at finde din bruger i Inklusio. Kontakt kommunens administrator af Inklusio."
    ),
    "cancelled": _(
        "Login hos kommunens identitetsudbyder blev afbrudt eller afvist. Prøv igen, eller log "
        "ind med brugernavn og adgangskode."
    ),
    "invalid_response": _(
        "Svaret fra kommunens identitetsudbyder kunne ikke godkendes, så du er ikke logget "
        "ind. Start forfra fra login-siden."
    ),
    "unavailable": _(
        "Kommunens login svarer ikke lige nu. Prøv igen om lidt, eller log ind med brugernavn "
        "og adgangskode."
    ),
}
STATUSES = {"invalid_response": 400, "unavailable": 503}


def _refused(request: HttpRequest, refusal: SignInRefused) -> HttpResponse:
    username = refusal.account.username if refusal.account is not None else refusal.tried
    audit_failed_sign_in(
        username=username, changes={"method": LOGIN_METHOD, "refused": refusal.reason}
    )
    logger.warning("single sign-on refused: %s", refusal.reason)
    return render(
        request,
        "registration/oidc_refused.html",
        {"message": refusal.message},
        status=refusal.status,
    )


# --- Matching the identity to a user ---------------------------------------------------------


def _usable(user: User) -> User:
    if not user.is_active:
        raise SignInRefused("inactive_user", account=user)
    if not settings.DEMO_LOGINS_ENABLED and user.username.startswith("demo-"):
        raise SignInRefused("demo_user", account=user)
    return user


def user_for_claims(claims: dict[str, Any]) -> User:
    """The active account the provider's identity belongs to, bound to its `sub`."""
    subject = str(claims["sub"])
    users = get_user_model()._default_manager.all()
    if settings.OIDC_MUNICIPALITY:
        # A database that holds several municipalities: this provider vouches for one only.
        users = users.filter(municipality__slug=settings.OIDC_MUNICIPALITY)
    bound = users.filter(oidc_subject=subject).first()
    if bound is not None:
        return _usable(bound)
    value = claims.get(settings.OIDC_USER_CLAIM)
    if not isinstance(value, str) or not value.strip():
        raise SignInRefused("unknown_user")
    if settings.OIDC_USER_CLAIM == "email" and claims.get("email_verified") in (False, "false"):
        raise SignInRefused("unverified_email", tried=value)
    # Open accounts first: a closed account's e-mail address may have been given to someone
    # else (people.services._email_in_use), and it must not make their sign-in ambiguous.
    matches = list(
        users.filter(**{f"{settings.OIDC_USER_FIELD}__iexact": value.strip()}).order_by(
            "-is_active"
        )[:2]
    )
    if not matches:
        raise SignInRefused("unknown_user", tried=value)
    if len(matches) > 1 and matches[1].is_active == matches[0].is_active:
        raise SignInRefused("ambiguous_user", tried=value)
    user = _usable(matches[0])
    try:
        return user_bind_oidc_subject(actor=user, user=user, subject=subject)
    except SubjectAlreadyBound as error:
        raise SignInRefused("bound_elsewhere", account=user) from error


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in only from the callback view (which passes the nonce it kept in the session),
    and only when single sign-on is configured; refusals raise SignInRefused for the view."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in and every request's user; the provider
        # is asked for its endpoints only when this backend is really used.
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED or request is None or "nonce" not in kwargs:
            return None
        self.provider = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str | None, **kwargs: Any) -> dict[str, Any]:
        """The id_token's RS256 signature (key from the provider's JWKS), issuer, audience,
        expiry and nonce; mozilla-django-oidc itself checks neither audience nor issuer."""
        if not token:
            raise SignInRefused("invalid_response")
        try:
            if jwt.get_unverified_header(token).get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SignInRefused("invalid_response")
            key = self.retrieve_matching_jwk(token)
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except (jwt.PyJWTError, SuspiciousOperation, KeyError) as error:
            raise SignInRefused("invalid_response") from error
        if "nonce" in kwargs and payload.get("nonce") != kwargs["nonce"]:
            raise SignInRefused("invalid_response")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The id_token's claims, with the userinfo endpoint's added when the provider has one
        (it must speak of the same `sub`, OpenID Connect Core § 5.3.2)."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if str(info.get("sub")) != str(payload["sub"]):
                raise SignInRefused("invalid_response")
            claims.update(info)
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        return user_for_claims(self.get_userinfo(access_token, id_token, payload))


# --- Views -----------------------------------------------------------------------------------


class AuthenticateView(OIDCAuthenticationRequestView):
    """ "Log ind med kommunens login": off to the provider with state, nonce and PKCE."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # endpoints are read per request, not from settings

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable:
            logger.exception("single sign-on: the provider's discovery failed")
            message = MESSAGES["unavailable"]
            return render(
                request, "registration/oidc_refused.html", {"message": message}, status=503
            )
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code; the code becomes a session only
    for the state this browser started, and for an identity that matches an active user."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        states = request.session.get("oidc_states", {})
        try:
            if request.GET.get("error"):
                states.pop(request.GET.get("state"), None)
                request.session.modified = True
                raise SignInRefused("cancelled")
            if not request.GET.get("code") or request.GET.get("state") not in states:
                raise SignInRefused("invalid_response")
            return super().get(request)
        except SignInRefused as refusal:
            return _refused(request, refusal)
        except SuspiciousOperation:
            return _refused(request, SignInRefused("invalid_response"))
        except requests.HTTPError as error:
            # 4xx: the provider refused the code (used, expired, not ours); 5xx: it is down.
            status = error.response.status_code if error.response is not None else 502
            reason = "invalid_response" if 400 <= status < 500 else "unavailable"
            logger.warning("single sign-on: the provider answered %s", status)
            return _refused(request, SignInRefused(reason))
        except (requests.RequestException, ProviderUnavailable):
            logger.exception("single sign-on: talking to the provider failed")
            return _refused(request, SignInRefused("unavailable"))

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[LOGIN_METHOD_KEY] = LOGIN_METHOD
        return response

    def login_failure(self) -> HttpResponse:
        # Reached only when no backend signed in (Django's user_login_failed signal has
        # logged the attempt), e.g. a lockout.
        return render(
            self.request,
            "registration/oidc_refused.html",
            {"message": MESSAGES["invalid_response"]},
            status=403,
        )


class LogoutView(auth_views.LogoutView):
    """Ends the session here; after a single sign-on also at the provider, when it offers an
    end_session_endpoint (OpenID Connect RP-Initiated Logout), which sends the browser back to
    the login page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = _provider_logout_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


def _provider_logout_url(request: HttpRequest) -> str:
    if not settings.OIDC_ENABLED or request.session.get(LOGIN_METHOD_KEY) != LOGIN_METHOD:
        return ""
    try:
        endpoint = provider().end_session_endpoint
    except ProviderUnavailable:
        return ""
    if not endpoint:
        return ""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if id_token := request.session.get("oidc_id_token"):
        params["id_token_hint"] = id_token
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def login_options(request: HttpRequest) -> dict[str, bool]:
    """Whether the login page offers "Log ind med kommunens login" (a context processor)."""
    return {"oidc_login": settings.OIDC_ENABLED}
