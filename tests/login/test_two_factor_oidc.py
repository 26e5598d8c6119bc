"""The second factor and single sign-on together: the municipality's identity provider has
done the strong authentication, so a session it signed in is not asked for Inklusio's code,
and a person stuck at the code step may sign in through the provider instead."""

import pytest
from django.urls import reverse

from tests.login import test_oidc
from tests.login.test_two_factor import child_page, enrol, sign_in

# The local identity provider and its settings, from the single sign-on tests.
provider = test_oidc.provider
sso = test_oidc.sso


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


def test_a_single_sign_on_is_not_asked_for_the_code(sso, cast, client):
    enrol(cast.bob)
    test_oidc._sign_in(client, sso)
    assert client.get(child_page(cast)).status_code == 200


def test_staff_without_a_second_factor_need_none_after_a_single_sign_on(sso, cast, client):
    test_oidc._sign_in(client, sso)
    assert client.get(child_page(cast)).status_code == 200


def test_the_code_step_may_give_way_to_a_single_sign_on(sso, cast, client):
    enrol(cast.bob)
    sign_in(client, "bob")
    assert client.get(child_page(cast))["Location"].startswith(reverse("two-factor-verify"))
    test_oidc._sign_in(client, sso)
    assert client.get(child_page(cast)).status_code == 200
