from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.meetings.models import DiscussionConsent
from inklusio.organisation.models import Institution
from inklusio.people.models import User
from inklusio.transitions.models import Handover

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HandoverForm(DkfdsForm):
    kind = forms.ChoiceField(
        label=_("Overgang til"), choices=Handover.Kind.choices, widget=forms.RadioSelect
    )
    receiving_institution = forms.ModelChoiceField(
        label=_("Modtagende institution"),
        queryset=None,
        required=False,
        help_text=_("Ved overgang til en anden daginstitution, ressourcegruppe eller minigruppe."),
    )
    school_name = forms.CharField(
        label=_("Skole"), max_length=200, required=False, help_text=_("Ved overgang til skole.")
    )
    receiver = forms.ModelChoiceField(
        label=_("Modtager"),
        queryset=None,
        help_text=_("Lederen af den modtagende institution, eller en samarbejdspartner på skolen."),
    )
    what_works = forms.CharField(
        label=_("Det, der virker"), widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label=_("Aftalte næste skridt"), widget=forms.Textarea(attrs={"rows": 4})
    )
    handover_date = forms.DateField(label=_("Overgangsdato"), widget=DATE)
    access_until = forms.DateField(
        label=_("Modtagerens adgang til og med"),
        widget=DATE,
        help_text=_("Højst 3 måneder efter overgangsdatoen."),
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        receivers: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_institution"].queryset = institutions
        self.fields["receiver"].queryset = receivers
        self.fields["receiver"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_role_display()}"
            + (f", {user.institution}" if user.institution_id else "")
            + ")"
        )


class ShareForm(DkfdsForm):
    consent = forms.ModelChoiceField(
        label=_("Forældrenes samtykke"),
        queryset=None,
        error_messages={
            "required": _("Vælg forældrenes samtykke."),
            "invalid_choice": _(
                "Vælg et samtykke fra dette barns forældre, som ikke er trukket tilbage."
            ),
        },
    )

    def __init__(self, *args: Any, consents: QuerySet[DiscussionConsent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].queryset = consents
        self.fields["consent"].label_from_instance = lambda consent: (
            f"{consent.given_by}, {short_date(consent.given_on)}"
        )


class HandoverMeetingForm(DkfdsForm):
    date = forms.DateField(label=_("Dato"), widget=DATE)
    participants = forms.CharField(
        label=_("Deltagere"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    note = forms.CharField(
        label=_("Kort note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
