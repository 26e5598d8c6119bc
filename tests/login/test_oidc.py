"""Single sign-on against a real OpenID Connect provider started by the test (tests/oidc_provider).

The browser's part is played by Django's test client and `requests` following the provider's
redirect; the server's part (discovery, token, JWKS, userinfo) is real HTTP on 127.0.0.1.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.people.models import Role
from inklusio.people.oidc import LOGIN_METHOD_KEY
from tests.conftest import PASSWORD, make_user
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, new_key

BOB_EMAIL = "bob@ishoj.test"


@pytest.fixture
def provider():
    local = LocalProvider(claims={"email": BOB_EMAIL, "email_verified": True}).start()
    yield local
    local.stop()


@pytest.fixture
def sso(settings, provider, cast):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.issuer  # every endpoint from its discovery document
    cast.bob.email = BOB_EMAIL
    cast.bob.save(update_fields=["email"])
    return provider


def _to_provider_and_back(client, provider, next_url=None):
    """Start at "Log ind med kommunens login"; the address the provider sends the browser to."""
    query = {"next": next_url} if next_url else {}
    start = client.get(reverse("oidc-login"), query)
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    return urlsplit(back.headers["Location"])


def _sign_in(client, provider, next_url=None):
    back = _to_provider_and_back(client, provider, next_url)
    return client.get(f"{back.path}?{back.query}")


def _new_entries(before):
    return list(
        AuditEntry.objects.filter(id__gt=before)
        .order_by("id")
        .values_list("action", "object_label", "actor__username", "changes")
    )


def _last_id():
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _signed_in_as(client):
    response = client.get(reverse("start"))
    return response.wsgi_request.user.username if response.status_code == 200 else None


class TestConfiguration:
    def test_without_a_client_id_there_is_no_button_and_no_sign_on(self, cast, client):
        page = client.get(reverse("login"))
        assert "Log ind med kommunens login" not in page.content.decode()
        assert client.get(reverse("oidc-login")).status_code == 404
        assert client.get(reverse("oidc-callback"), {"code": "x", "state": "y"}).status_code == 404

    def test_configured_the_login_page_offers_the_municipal_login(self, sso, client):
        page = client.get(reverse("login"), {"next": "/boern/"}).content.decode()
        assert "Log ind med kommunens login" in page
        assert f'href="{reverse("oidc-login")}?next=/boern/"' in page

    def test_the_request_carries_state_nonce_and_pkce(self, sso, client):
        start = client.get(reverse("oidc-login"))
        query = parse_qs(urlsplit(start["Location"]).query)
        assert query["client_id"] == [CLIENT_ID]
        assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
        assert query["code_challenge_method"] == ["S256"]
        assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32

    def test_explicit_endpoints_need_no_discovery(self, sso, settings, client):
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{sso.issuer}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{sso.issuer}/token"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{sso.issuer}/jwks"
        _sign_in(client, sso)
        assert _signed_in_as(client) == "bob"
        assert sso.discovery_reads == 0

    def test_discovery_is_read_once_per_process(self, sso, client):
        _sign_in(client, sso)
        client.logout()
        _sign_in(client, sso)
        assert _signed_in_as(client) == "bob"
        assert sso.discovery_reads == 1

    def test_an_unreachable_provider_is_a_clear_page(self, settings, cast, client):
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
        response = client.get(reverse("oidc-login"))
        assert response.status_code == 503
        assert "Kommunens login svarer ikke lige nu" in response.content.decode()


class TestSignIn:
    def test_the_mapped_user_is_signed_in_bound_and_logged(self, sso, cast, client):
        before = _last_id()
        response = _sign_in(client, sso, next_url="/boern/")
        assert _new_entries(before) == [
            (
                "change",
                "Bob Testesen",
                "bob",
                {"oidc_subject": {"before": None, "after": "sub-bob"}},
            ),
            ("login", "bob", "bob", {}),
        ]
        assert response.status_code == 302
        assert response["Location"] == "/boern/"
        assert _signed_in_as(client) == "bob"
        assert client.session[LOGIN_METHOD_KEY] == "oidc"
        cast.bob.refresh_from_db()
        assert cast.bob.oidc_subject == "sub-bob"

    def test_the_bound_subject_signs_in_even_when_the_email_moves(self, sso, cast, client):
        _sign_in(client, sso)
        client.logout()
        sso.claims["email"] = "robert@ishoj.test"
        before = _last_id()
        _sign_in(client, sso)
        assert [row[0] for row in _new_entries(before)] == ["login"]  # bound once only
        assert _signed_in_as(client) == "bob"

    def test_someone_else_with_the_bound_users_email_is_refused(self, sso, cast, client):
        _sign_in(client, sso)
        client.logout()
        sso.subject = "sub-impostor"  # the address was handed to another person at the provider
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "knyttet til et andet login" in response.content.decode()
        assert _signed_in_as(client) is None
        assert _new_entries(before) == [
            ("login_failed", "bob", None, {"method": "oidc", "refused": "bound_elsewhere"})
        ]

    def test_a_closed_account_with_the_same_address_does_not_stand_in_the_way(
        self, sso, cast, client
    ):
        """A closed account's address may be given to someone else (people.services)."""
        make_user("robert", cast.ishoj, Role.PEDAGOGUE, email=BOB_EMAIL.upper(), is_active=False)
        _sign_in(client, sso)
        assert _signed_in_as(client) == "bob"

    def test_mapping_by_username_claim(self, sso, settings, cast, client):
        settings.OIDC_USER_CLAIM = "preferred_username"
        settings.OIDC_USER_FIELD = "username"
        sso.claims = {"preferred_username": "CARL"}
        sso.subject = "sub-carl"
        _sign_in(client, sso)
        assert _signed_in_as(client) == "carl"


class TestRefusals:
    def test_a_user_of_another_municipality_is_unknown_to_this_provider(
        self, sso, settings, cast, client
    ):
        settings.OIDC_MUNICIPALITY = "dragoer"  # the provider vouches for Dragør's staff only
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "der findes ingen aktiv bruger i Inklusio til dig" in response.content.decode()
        assert _signed_in_as(client) is None
        settings.OIDC_MUNICIPALITY = "ishoj"
        _sign_in(client, sso)
        assert _signed_in_as(client) == "bob"

    def test_an_unknown_user_is_refused_with_the_danish_page(self, sso, client):
        sso.claims["email"] = "ukendt@ishoj.test"
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 403
        page = response.content.decode()
        assert "Du er ikke logget ind" in page
        assert "der findes ingen aktiv bruger i Inklusio til dig" in page
        assert _signed_in_as(client) is None
        [(action, label, actor, changes)] = _new_entries(before)
        assert (action, label, actor) == ("login_failed", "", None)
        assert changes == {"method": "oidc", "refused": "unknown_user"}
        # The e-mail address tried is kept only as a keyed hash.
        assert AuditEntry.objects.get(id__gt=before).search_term.startswith("user#")

    def test_two_open_accounts_with_one_address_are_refused_as_ambiguous(self, sso, cast, client):
        """From before the users page kept open accounts' addresses apart."""
        make_user("robert", cast.ishoj, Role.PEDAGOGUE, email=BOB_EMAIL.upper())
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "passer til flere brugere i Inklusio" in response.content.decode()
        assert _signed_in_as(client) is None
        [(action, _label, _actor, changes)] = _new_entries(before)
        assert (action, changes) == (
            "login_failed",
            {"method": "oidc", "refused": "ambiguous_user"},
        )

    def test_an_inactive_user_is_refused(self, sso, cast, client):
        cast.bob.is_active = False
        cast.bob.save(update_fields=["is_active"])
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "Din bruger i Inklusio er lukket" in response.content.decode()
        assert _signed_in_as(client) is None
        assert _new_entries(before) == [
            ("login_failed", "bob", None, {"method": "oidc", "refused": "inactive_user"})
        ]

    def test_a_demo_account_is_refused_without_demo_logins(self, sso, settings, cast, client):
        settings.DEMO_LOGINS_ENABLED = False  # as under INKLUSIO_ENV=production
        cast.bob.username = "demo-paedagog"
        cast.bob.save(update_fields=["username"])
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "Demo-brugere kan ikke logge ind" in response.content.decode()
        assert _signed_in_as(client) is None

    def test_an_unverified_email_is_not_trusted(self, sso, client):
        sso.claims["email_verified"] = False
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "har ikke bekræftet din e-mailadresse" in response.content.decode()
        assert _signed_in_as(client) is None

    def test_a_state_this_browser_did_not_start_is_refused(self, sso, client):
        back = _to_provider_and_back(client, sso)
        query = parse_qs(back.query)
        before = _last_id()
        response = client.get(back.path, {"code": query["code"][0], "state": "forged-state"})
        assert response.status_code == 400
        assert "Svaret fra kommunens identitetsudbyder kunne ikke godkendes" in (
            response.content.decode()
        )
        assert sso.tokens_issued == 0  # the code was never exchanged
        assert _signed_in_as(client) is None
        assert [row[3] for row in _new_entries(before)] == [
            {"method": "oidc", "refused": "invalid_response"}
        ]

    def test_a_callback_in_another_browser_is_refused(self, sso, client, django_user_model):
        from django.test import Client

        back = _to_provider_and_back(client, sso)
        response = Client().get(f"{back.path}?{back.query}")
        assert response.status_code == 400
        assert sso.tokens_issued == 0

    def test_a_callback_used_twice_is_refused(self, sso, client):
        back = _to_provider_and_back(client, sso)
        assert client.get(f"{back.path}?{back.query}").status_code == 302
        client.logout()
        assert client.get(f"{back.path}?{back.query}").status_code == 400

    def test_a_nonce_mismatch_is_refused(self, sso, client):
        sso.nonce_override = "another-nonce"
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 400
        assert _signed_in_as(client) is None
        assert [row[0] for row in _new_entries(before)] == ["login_failed"]

    def test_an_id_token_signed_by_another_key_is_refused(self, sso, cast, client):
        sso.sign_with = new_key()
        response = _sign_in(client, sso)
        assert response.status_code == 400
        assert sso.tokens_issued == 1  # the token came, its signature did not hold
        assert _signed_in_as(client) is None
        cast.bob.refresh_from_db()
        assert cast.bob.oidc_subject is None

    def test_an_id_token_for_another_application_is_refused(self, sso, client):
        sso.audience = "another-application"
        response = _sign_in(client, sso)
        assert response.status_code == 400
        assert _signed_in_as(client) is None

    def test_an_id_token_from_another_issuer_is_refused(self, sso, client):
        sso.issuer_override = "https://login.example.dk"
        assert _sign_in(client, sso).status_code == 400
        assert _signed_in_as(client) is None

    def test_an_expired_id_token_is_refused(self, sso, client):
        sso.lifetime = -120  # beyond the minute of clock skew allowed
        assert _sign_in(client, sso).status_code == 400
        assert _signed_in_as(client) is None

    def test_userinfo_about_someone_else_is_refused(self, sso, client):
        sso.userinfo_subject = "sub-someone-else"
        assert _sign_in(client, sso).status_code == 400
        assert _signed_in_as(client) is None

    def test_a_code_the_provider_no_longer_accepts_is_refused(self, sso, client):
        back = _to_provider_and_back(client, sso)
        sso.codes.clear()  # expired at the provider
        before = _last_id()
        response = client.get(f"{back.path}?{back.query}")
        assert response.status_code == 400
        assert "kunne ikke godkendes" in response.content.decode()
        assert [row[3] for row in _new_entries(before)] == [
            {"method": "oidc", "refused": "invalid_response"}
        ]

    def test_cancelled_at_the_provider(self, sso, client):
        sso.deny = True
        before = _last_id()
        response = _sign_in(client, sso)
        assert response.status_code == 403
        assert "blev afbrudt eller afvist" in response.content.decode()
        assert [row[3] for row in _new_entries(before)] == [
            {"method": "oidc", "refused": "cancelled"}
        ]


class TestLogout:
    def test_after_single_sign_on_logout_ends_the_session_at_the_provider_too(self, sso, client):
        _sign_in(client, sso)
        id_token = client.session["oidc_id_token"]
        before = _last_id()
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        target = urlsplit(response["Location"])
        assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso.issuer}/logout"
        query = parse_qs(target.query)
        assert query["id_token_hint"] == [id_token]
        assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
        assert _signed_in_as(client) is None
        assert [row[0] for row in _new_entries(before)] == ["logout"]

    def test_after_a_password_sign_in_logout_stays_here(self, sso, client):
        client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
        assert _signed_in_as(client) == "bob"
        response = client.post(reverse("logout"))
        assert response["Location"] == reverse("login")
        assert _signed_in_as(client) is None

    def test_a_password_sign_in_never_reaches_the_provider(self, sso, client):
        # A callback's parameters on the login address do not start a code exchange.
        client.post(
            reverse("login") + "?code=abc&state=def", {"username": "bob", "password": "forkert"}
        )
        assert sso.tokens_issued == 0
        assert _signed_in_as(client) is None


class TestUnbind:
    def test_unbinding_lets_a_new_provider_account_bind_again(self, sso, cast, client):
        _sign_in(client, sso)
        client.logout()
        sso.subject = "sub-bob-new"  # Bob's account at the provider was made anew
        assert _sign_in(client, sso).status_code == 403
        before = _last_id()
        call_command("oidc_unbind", "bob", by="alice")
        assert _new_entries(before) == [
            (
                "change",
                "Bob Testesen",
                "alice",
                {"oidc_subject": {"before": "sub-bob", "after": None}},
            )
        ]
        _sign_in(client, sso)
        assert _signed_in_as(client) == "bob"
        cast.bob.refresh_from_db()
        assert cast.bob.oidc_subject == "sub-bob-new"

    def test_all_of_the_administrators_municipality_and_no_other(self, sso, cast):
        from inklusio.people.models import User

        User.objects.filter(pk__in=[cast.bob.pk, cast.dora.pk]).update(oidc_subject=None)
        User.objects.filter(pk=cast.bob.pk).update(oidc_subject="sub-bob")
        User.objects.filter(pk=cast.dora.pk).update(oidc_subject="sub-dora")
        call_command("oidc_unbind", all=True, by="alice")
        assert list(
            User.objects.filter(oidc_subject__isnull=False).values_list("username", flat=True)
        ) == ["dora"]

    def test_refused_to_non_administrators_and_for_other_municipalities(self, sso, cast):
        with pytest.raises(CommandError, match="no active administrator"):
            call_command("oidc_unbind", "bob", by="bob")
        with pytest.raises(CommandError, match="No such user in alice's municipality: dora"):
            call_command("oidc_unbind", "dora", by="alice")
