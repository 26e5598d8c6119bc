"""Sign-in forms: they parse; the services decide."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inklusio.access import MANAGED_ROLES
from inklusio.core.forms import DkfdsForm, DkfdsWidgets, VersionedEdit, required_when
from inklusio.core.listing import Column, ListFilterForm
from inklusio.organisation.models import Institution
from inklusio.people import selectors
from inklusio.people.models import ApiToken, User


class CodeForm(DkfdsForm):
    token = forms.CharField(
        label=_("Kode"),
        max_length=32,
        help_text=_("Den sekscifrede kode fra autentificeringsappen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _(
            "Den sekscifrede kode fra autentificeringsappen, eller en af dine gendannelseskoder."
        )
        # A recovery code has letters: the numeric keyboard would hide them on a phone.
        self.fields["token"].widget.attrs.pop("inputmode")


class PasswordChangeForm(DkfdsWidgets, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(DkfdsWidgets, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(DkfdsWidgets, auth_forms.PasswordResetForm):
    """Django's form answers the same whether the address is known or not; who gets a link is
    `selectors.accounts_for_password_reset` (also an account that has never chosen a
    password)."""

    def get_users(self, email: str) -> Iterator[Any]:
        yield from selectors.accounts_for_password_reset(email)


class ApiTokenForm(DkfdsForm):
    """A new API token: the services decide whether the end date and owner are allowed."""

    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        help_text=_("Fx navnet på det system, der skal bruge nøglen."),
    )
    scope = forms.ChoiceField(label=_("Rettighed"), choices=ApiToken.Scope.choices)
    expires_on = forms.DateField(
        label=_("Udløber den"),
        help_text=_("Nøglen virker til og med denne dag, højst et år frem."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    owner = forms.ModelChoiceField(
        label=_("Bruger"),
        queryset=User.objects.none(),
        help_text=_("Nøglen får brugerens rettigheder, hverken flere eller færre."),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
            self.fields["owner"].label_from_instance = lambda u: (
                f"{u.get_full_name() or u.username} ({u.username})"
            )


class UserFilterForm(ListFilterForm):
    """The administration's users page: by role, and open or closed accounts."""

    role = forms.ChoiceField(
        label=_("Rolle"),
        required=False,
        choices=[("", _("Alle")), *[(role.value, role.label) for role in MANAGED_ROLES]],
    )
    status = forms.ChoiceField(
        label=_("Konto"),
        required=False,
        choices=[("active", _("Aktive")), ("closed", _("Lukkede")), ("", _("Alle"))],
    )
    lookups = {"role": "role"}
    defaults = {"status": "active"}

    def filter_status(self, queryset: Any, value: str) -> Any:
        return queryset.filter(is_active=value == "active")


USER_COLUMNS = [
    Column("name", _("Navn"), ("first_name", "last_name", "username")),
    Column("username", _("Brugernavn"), ("username",)),
    Column("role", _("Rolle"), ("role", "institution__name")),
    Column("status", _("Konto")),
    Column("second_factor", _("Anden faktor")),
    Column("actions", ""),
]


class UserForm(VersionedEdit, DkfdsForm):
    """A staff account on the users page; the service decides the role and institution rules."""

    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "Bruges til at nulstille adgangskoden og til login med kommunens login, så hver "
            "åben konto skal have sin egen. En ny bruger får en e-mail med et link til at "
            "vælge sin adgangskode."
        ),
    )
    role = forms.ChoiceField(
        label=_("Rolle"), choices=[(role.value, role.label) for role in MANAGED_ROLES]
    )
    # Required for some roles only, which the service checks (people.services._check_user_data).
    institution = required_when(
        forms.ModelChoiceField(
            label=_("Institution"),
            queryset=Institution.objects.none(),
            required=False,
            help_text=_(
                "Skal udfyldes for daginstitutionsledere og pædagogisk personale: de ser "
                "institutionens børn. Lad den være tom for de andre roller; pædagoger knyttes "
                "til institutioner gennem deres tilknytninger."
            ),
        ),
        _("kræves for ledere og personale"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        version: int | None = None,
        **kwargs: Any,
    ) -> None:
        """`version`: the account's, when the form edits one (None: a new account)."""
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        if version is not None:
            self.expect_version(version)


class UserCreateForm(UserForm):
    """A new staff account: as UserForm, with the username it signs in with."""

    username = forms.CharField(
        label=_("Brugernavn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Det navn, brugeren logger ind med. Bogstaver, tal og @ . + - _."),
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "institution"]
