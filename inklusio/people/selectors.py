"""Reads about how people sign in: whether a second factor is set up, for whom the
administration may reset it, and who gets a link to choose a password."""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio import access
from inklusio.organisation.models import Institution
from inklusio.people.models import ApiToken, User


@dataclass(frozen=True)
class SecondFactorStatus:
    enrolled: bool
    required: bool
    recovery_codes_left: int


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def may_reset_second_factor(actor: User, user: User) -> bool:
    """`user` has a second factor that `actor` may reset: the rule of the users page
    (`access.users_whose_second_factor_may_be_reset`, an open account), for the pages that
    show one person, e.g. the partner directory's partner page."""
    may: bool = (
        access.users_whose_second_factor_may_be_reset(actor)
        .filter(pk=user.pk, is_active=True)
        .exists()
    )
    return may and has_second_factor(user)


def second_factor_status(user: User) -> SecondFactorStatus:
    """What the account page tells a person about their own second factor."""
    return SecondFactorStatus(
        enrolled=has_second_factor(user),
        required=access.second_factor_required(user),
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def users_for_second_factor_reset(actor: User) -> QuerySet[User]:
    """The people whose second factor `actor` may reset, each with `has_second_factor`."""
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        access.users_whose_second_factor_may_be_reset(actor)
        .filter(is_active=True)
        .annotate(has_second_factor=Exists(enrolled))
        .select_related("institution")
        .order_by("first_name", "last_name", "username")
    )


def users_for_management(actor: User) -> QuerySet[User]:
    """The accounts of the administration's users page, each with `has_second_factor`; the
    page's Listing filters, sorts and pages them."""
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        access.users_managed_by(actor)
        .annotate(has_second_factor=Exists(enrolled))
        .select_related("institution")
    )


def institutions_for_users(actor: User) -> QuerySet[Institution]:
    """The institutions a staff account can belong to: the administration's municipality's."""
    return access.institutions_visible_to(actor).order_by("name")


def api_tokens_for(user: User) -> QuerySet[ApiToken]:
    """The tokens the user's token page lists: their own, or the municipality's for the
    administration; newest first, with owner."""
    return access.api_tokens_visible_to(user).select_related("owner").order_by("-created_at", "-id")


def accounts_for_password_reset(email: str) -> Iterator[User]:
    """The accounts "Glemt adgangskode?" mails a link to for `email`: open accounts with that
    address (the same address, not one that only folds to it, as Django checks) that have a
    password, or have never signed in. Django's own form skips an account without a usable
    password, but a new staff account or partner is created without one and chooses it from a
    mailed link (people.services.user_create, partners.services.partner_create): once that link
    has expired, this is the only way to get another. An account without a password that has
    signed in does so with the municipality's login, and gets none; nor does a closed account,
    nor a demo account where demo logins are disabled (its password is public)."""
    wanted = unicodedata.normalize("NFKC", email).casefold()
    for user in User._default_manager.filter(email__iexact=email, is_active=True):
        if unicodedata.normalize("NFKC", user.email).casefold() != wanted:
            continue
        if not user.has_usable_password() and user.last_login is not None:
            continue
        if not settings.DEMO_LOGINS_ENABLED and user.username.startswith("demo-"):
            continue
        yield user
