"""Forms of the partner directory and invitations: they parse; partners.services decides."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import PartnerInvitation
from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.partners.models import OrganisationKind, PartnerOrganisation
from inklusio.people.models import Profession, User

DATE = {"type": "date"}


class OrganisationForm(VersionedEdit, DkfdsModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PartnerOrganisation
        fields = list(PartnerOrganisation.EDITABLE_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.expect_version(self.instance.version)
        self.fields["kind"].choices = OrganisationKind.choices


class PersonForm(VersionedEdit, DkfdsForm):
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Efternavn"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("Bruges til login; samarbejdspartneren får en e-mail og vælger selv kode."),
    )
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    profession = forms.ChoiceField(label=_("Faggruppe"), choices=Profession.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=PartnerOrganisation.objects.none()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[PartnerOrganisation],
        version: int | None = None,
        **kwargs: Any,
    ) -> None:
        """`version`: the partner's, when the form edits one (None: a new partner)."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if version is not None:
            self.expect_version(version)


class InvitationForm(DkfdsForm):
    partner = forms.ModelChoiceField(
        label=_("Samarbejdspartner"),
        queryset=None,
        error_messages={"required": _("Vælg en samarbejdspartner fra listen.")},
    )
    reason = forms.CharField(
        label=_("Formål"),
        max_length=200,
        help_text=_("Hvad skal samarbejdspartneren bidrage med? Fx «Udredning af sprog»."),
        error_messages={"required": _("Skriv formålet med invitationen.")},
    )
    valid_from = forms.DateField(
        label=_("Gælder fra"),
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=_("Tom: fra i dag."),
    )
    valid_until = forms.DateField(
        label=_("Gælder til og med"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"required": _("Angiv hvornår invitationen slutter.")},
    )

    def __init__(
        self, *args: Any, partners: QuerySet[User], latest: datetime.date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_profession_display()}, "
            f"{user.partner_profile.organisation})"
        )
        self.fields["valid_until"].help_text = _(
            "Adgangen slutter af sig selv efter denne dag; højst til %(day)s."
        ) % {"day": short_date(latest)}
        self.fields["valid_from"].initial = timezone.localdate()


class EndInvitationForm(DkfdsForm):
    reason = forms.CharField(
        label=_("Begrundelse"),
        max_length=200,
        error_messages={"required": _("Skriv hvorfor invitationen afsluttes før tid.")},
    )


def _status_filter(queryset, value):
    today = timezone.localdate()
    if value == "current":
        return queryset.current(today)
    if value == "expired":
        return queryset.expired(today)
    if value == "ended":
        return queryset.ended()
    return queryset


class InvitationFilterForm(ListFilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("current", _("Gældende")),
            ("expired", _("Udløbet")),
            ("ended", _("Afsluttet før tid")),
            ("", _("Alle")),
        ],
    )
    scope = forms.ChoiceField(
        label=_("Gælder"),
        required=False,
        choices=[("", _("Alle")), *PartnerInvitation.Scope.choices],
    )
    lookups = {"scope": "scope"}
    defaults = {"status": "current"}

    def filter_status(self, queryset, value):
        return _status_filter(queryset, value)


INVITATION_COLUMNS = [
    Column("partner", _("Samarbejdspartner"), ("partner__first_name", "partner__last_name")),
    Column("target", _("Gælder")),
    Column("reason", _("Formål")),
    Column("invited_by", _("Inviteret af"), ("invited_by__first_name",)),
    Column("valid_until", _("Periode"), ("valid_until",)),
    Column("status", _("Status")),
]
