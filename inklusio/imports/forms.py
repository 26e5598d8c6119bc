from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Filen indeholder"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Regneark (XLSX eller CSV)"),
        help_text=_(
            "Brug skabelonen. Først laves en prøvekørsel; intet importeres før du godkender."
        ),
    )
