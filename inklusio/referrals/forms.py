"""Forms parse what a user typed; the rules it must meet live in the services, whose Danish
messages the views show by the field (see `core.forms.show_refusal`)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import Child, DifficultyCategory
from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, institution_field, period_fields
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals import selectors
from inklusio.referrals.models import Decision, LegalBasis, Offer, Referral

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE_WIDGET, **kwargs)


class ReferralForm(VersionedEdit, DkfdsModelForm):
    """Draft fields; consent may wait until submitting, which then requires it. An attachment
    can come with the draft; a refused file is reported on its field and the rest is kept."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attachment = forms.FileField(
        label=_("Bilag"),
        required=False,
        help_text=_(
            "PDF, PNG eller JPEG, højst 10 MB (fx en psykologudtalelse). Flere kan vedhæftes bagefter."
        ),
    )

    class Meta:
        model = Referral
        fields = ["child", *Referral.EDITABLE_FIELDS]
        widgets = {
            "offer": forms.RadioSelect,
            "consent_date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 5}),
            "tried": forms.Textarea(attrs={"rows": 4}),
            "duplicate_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "consent_by": _("Navnet på den eller de forældre, der har givet samtykke."),
        }

    def __init__(
        self,
        *args: Any,
        children: QuerySet[Child],
        resource_groups: QuerySet[ResourceGroup],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label = _("Barn")
        self.fields["resource_group"].queryset = resource_groups
        self.fields["resource_group"].required = False
        if self.instance.pk:
            self.expect_version(self.instance.version)
            # The child of a referral is fixed once it exists.
            del self.fields["child"]
        if not (self.data.get("duplicate_reason") or self.instance.duplicate_reason):
            # Asked for only when the child already has an open referral of the same kind.
            self.fields["duplicate_reason"].widget = forms.HiddenInput()

    def add_error(self, field, error):
        if field == "duplicate_reason":
            self.fields[field].widget = forms.Textarea(attrs={"rows": 2})
        super().add_error(field, error)


class AddendumForm(DkfdsForm):
    text = forms.CharField(
        label=_("Tilføjelse"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class WithdrawForm(DkfdsForm):
    # Only parses: the service requires the reason for a submitted referral.
    reason = forms.CharField(
        label=_("Hvorfor trækkes indstillingen tilbage?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Skal udfyldes, når indstillingen er indsendt: udvalget får begrundelsen."),
    )


class AttachmentForm(DkfdsForm):
    file = forms.FileField(
        label=_("Bilag"), help_text=_("PDF, PNG eller JPEG, højst 10 MB (fx en psykologudtalelse).")
    )


class PeriodForm(DkfdsForm):
    start_year = forms.IntegerField(
        label=_("Periode der starter 1. april i året"), min_value=2000, max_value=2100
    )
    support_places = forms.IntegerField(
        label=_("Pladser til støttepædagog"), min_value=0, max_value=500, initial=7
    )


class MeetingForm(DkfdsForm):
    date = _date_field(_("Mødedato"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LegalBasisForm(DkfdsModelForm):
    class Meta:
        model = LegalBasis
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


def _legal_bases(user: User) -> QuerySet[LegalBasis]:
    return selectors.legal_bases_for(user, active_only=True)


class DecisionForm(DkfdsForm):
    """A decision at a committee meeting, or a new decision after an appeal."""

    outcome = forms.ChoiceField(
        label=_("Afgørelse"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.Outcome.GRANTED, _("Bevilget")),
            (Decision.Outcome.REFUSED, _("Afslag")),
            (Decision.Outcome.ALTERNATIVE, _("Andet tilbud")),
        ],
    )
    offer = forms.ChoiceField(label=_("Tilbud"), choices=Offer.choices)
    resource_group = forms.ModelChoiceField(
        label=_("Ressourcegruppe"), queryset=None, required=False
    )
    alternative = forms.CharField(
        label=_("Andet tilbud"),
        required=False,
        help_text=_("Fx et ressourceforløb i institutionen i stedet for støttepædagog."),
    )
    reasons = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "De regler, afgørelsen bygger på, og de hovedhensyn og faktiske forhold, der er lagt vægt på."
        ),
    )
    legal_basis = forms.ModelChoiceField(label=_("Lovgrundlag"), queryset=None)
    start = _date_field(_("Start"), required=False)
    end = _date_field(
        _("Slut"),
        required=False,
        help_text=_("Tom: ét år for støttepædagog, indtil revurdering for en plads."),
    )

    def __init__(
        self, *args: Any, user: User, resource_groups: QuerySet[ResourceGroup], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = _legal_bases(user)
        self.fields["resource_group"].queryset = resource_groups


class EndForm(DkfdsForm):
    kind = forms.ChoiceField(
        label=_("Hvad sker der"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.Kind.END, _("Bevillingen ophører før tid")),
            (Decision.Kind.WITHDRAWAL, _("Bevillingen tilbagekaldes")),
        ],
    )
    end_on = _date_field(_("Ophører den"))
    reasons = forms.CharField(label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.ModelChoiceField(label=_("Lovgrundlag"), queryset=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = _legal_bases(user)


class ReassessmentForm(DkfdsForm):
    outcome = forms.ChoiceField(
        label=_("Resultat af revurderingen"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.Outcome.CONTINUED, _("Fortsætter")),
            (Decision.Outcome.CHANGED, _("Ændres")),
            (Decision.Outcome.ENDED, _("Ophører")),
        ],
    )
    reasons = forms.CharField(label=_("Begrundelse"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.ModelChoiceField(label=_("Lovgrundlag"), queryset=None)
    start = _date_field(
        _("Ny start"),
        required=False,
        help_text=_("Tom: dagen efter den nuværende bevilling slutter."),
    )
    end = _date_field(_("Ny slut"), required=False)
    resource_group = forms.ModelChoiceField(
        label=_("Ressourcegruppe"), queryset=None, required=False
    )

    def __init__(
        self, *args: Any, user: User, resource_groups: QuerySet[ResourceGroup], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].queryset = _legal_bases(user)
        self.fields["resource_group"].queryset = resource_groups


class DateForm(DkfdsForm):
    """One date: a letter sent, a child placed, an appeal reassessed."""

    on = _date_field(_("Dato"))

    def __init__(self, *args: Any, label: str | Promise | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["on"].label = label
        self.fields["on"].initial = timezone.localdate


class AppealForm(DkfdsForm):
    received_on = _date_field(_("Klagen modtaget den"))
    text = forms.CharField(
        label=_("Klagens indhold"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    owner = forms.ModelChoiceField(label=_("Sagsbehandler"), queryset=None)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class WaitingAddForm(DkfdsForm):
    """Put a referral refused for capacity in line for the offer that was full."""

    offer = forms.ChoiceField(
        label=_("Tilbud"),
        choices=[
            (Offer.SUPPORT_PEDAGOGUE, Offer.SUPPORT_PEDAGOGUE.label),
            (Offer.RESOURCE_GROUP_PLACE, Offer.RESOURCE_GROUP_PLACE.label),
        ],
    )
    resource_group = forms.ModelChoiceField(
        label=_("Ressourcegruppe"), queryset=None, required=False
    )
    start = _date_field(
        _("Ønsket start"), help_text=_("Bestemmer visitationsperioden for støttepædagog.")
    )

    def __init__(self, *args: Any, resource_groups: QuerySet[ResourceGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource_group"].queryset = resource_groups


class WaitingMoveForm(DkfdsForm):
    position = forms.IntegerField(label=_("Ny plads i køen"), min_value=1)
    reason = forms.CharField(
        label=_("Begrundelse"),
        error_messages={"required": _("Skriv, hvorfor barnet flyttes i køen.")},
    )


class WaitingRemoveForm(DkfdsForm):
    reason = forms.CharField(
        label=_("Begrundelse"),
        help_text=_("Fx trukket tilbage eller bevilget andet tilbud."),
        error_messages={"required": _("Skriv, hvorfor barnet tages af ventelisten.")},
    )


class UpholdForm(DkfdsForm):
    """The municipality keeps its decision after reassessing the appeal."""

    on = _date_field(_("Genvurderet den"))
    reasons = forms.CharField(
        label=_("Kommunens begrundelse for at fastholde afgørelsen"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sendes med sagens akter til Ankestyrelsen."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate


class ReferralFilterForm(ListFilterForm):
    """The referral list's filters (GET): status (the open ones unless asked), institution (for
    those who see more than one), offer, difficulty and when it was sent in."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Åbne")), *Referral.Status.choices, ("", _("Alle"))],
    )
    institution = institution_field()
    offer = forms.ChoiceField(
        label=_("Indstillet til"), required=False, choices=[("", _("Alle")), *Offer.choices]
    )
    category = forms.ChoiceField(
        label=_("Vanskelighed"),
        required=False,
        choices=[("", _("Alle")), *DifficultyCategory.choices],
    )
    submitted_from, submitted_to = period_fields(_("Indsendt fra"), _("Indsendt til"))
    lookups = {
        "institution": "child__institution",
        "offer": "offer",
        "category": "category",
        "submitted_from": "submitted_at__date__gte",
        "submitted_to": "submitted_at__date__lte",
    }
    defaults = {"status": "open"}

    def filter_status(self, referrals, value):
        if value == "open":
            return referrals.filter(status__in=Referral.OPEN_STATUSES)
        return referrals.filter(status=value)


REFERRAL_COLUMNS = [
    Column("child", _("Barn"), ("child__first_name", "child__last_name")),
    Column("institution", _("Institution"), ("child__institution__name",)),
    Column("offer", _("Indstillet til"), ("offer",)),
    Column("status", _("Status"), ("status",)),
    Column("submitted", _("Indsendt"), ("-submitted_at",)),
]
