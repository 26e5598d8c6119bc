from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.audit.models import AuditAction
from inklusio.core.forms import DkfdsForm


class AuditSearchForm(DkfdsForm):
    child = forms.CharField(label=_("Barn (navn)"), required=False, max_length=100)
    user = forms.CharField(
        label=_("Bruger (navn eller brugernavn)"), required=False, max_length=100
    )
    term = forms.CharField(
        label=_("Søgekriterium (fx et CPR-nummer)"), required=False, max_length=100
    )
    action = forms.ChoiceField(
        label=_("Handling"), required=False, choices=[("", _("Alle")), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Til-datoen ligger før fra-datoen."))
        return cleaned

    def search_summary(self) -> str:
        """The criteria as the log of this read keeps them (a CPR number is hashed there)."""
        if not self.is_bound or not self.is_valid():
            return "(alle)"
        parts = [f"{name}={value}" for name, value in self.cleaned_data.items() if value]
        return "; ".join(parts) or "(alle)"
