from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm
from inklusio.organisation.models import Institution


class StatisticsFilterForm(DkfdsForm):
    year_from = forms.IntegerField(
        label=_("Fra år"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("2015 = 2015 eller 2015/16"),
    )
    year_to = forms.IntegerField(label=_("Til år"), required=False, min_value=2000, max_value=2100)
    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutioner"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen valgt: hele kommunen."),
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = institutions

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and last < first:
            self.add_error("year_to", _("Til-året ligger før fra-året."))
        return cleaned

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "year_from": self.cleaned_data.get("year_from"),
            "year_to": self.cleaned_data.get("year_to"),
            "institutions": list(self.cleaned_data.get("institutions") or []),
        }


class ReportForm(DkfdsForm):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
