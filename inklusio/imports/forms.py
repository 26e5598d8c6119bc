from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.imports.models import ImportKind
from inklusio.imports.services import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Filen indeholder"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("Regneark (XLSX eller CSV)"),
        help_text=_(
            "Brug skabelonen. Først laves en prøvekørsel; intet importeres før du godkender."
        ),
    )

    def clean_file(self):
        # Refused before it is read into memory; the service checks the bytes again.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen er større end 20 MB."))
        return upload
