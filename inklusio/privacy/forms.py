from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DataRequestForm(DkfdsForm):
    requester = forms.CharField(
        label=_("Anmoder"), max_length=200, help_text=_("Navnet på forælderen eller værgen.")
    )
    received_on = forms.DateField(label=_("Modtaget den"), widget=DATE)


class StatusForm(DkfdsForm):
    ACTIONS = [
        ("answer", _("Besvaret med udtrækket")),
        ("extend", _("Forlæng fristen med to måneder")),
        ("refuse", _("Afvis anmodningen")),
    ]
    action = forms.ChoiceField(label=_("Hvad er sket"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skal udfyldes ved forlængelse og afvisning."),
    )


class ExportForm(DkfdsForm):
    staff_roles = forms.BooleanField(
        label=_("Vis medarbejderes roller i adgangsloggen (navne vises aldrig)"), required=False
    )
