from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import VersionedEdit
from inklusio.retention.models import RetentionPolicy


class PolicyForm(VersionedEdit, forms.ModelForm):
    """Parses the periods; their bounds are the service's rule (rules.BOUNDS)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RetentionPolicy
        fields = [
            "child_case_months",
            "referral_not_granted_months",
            "consultative_meeting_months",
            "audit_log_months",
            "automatic",
        ]
        help_texts = {
            "automatic": _(
                "Slået fra: forvaltningen ser prøvekørslen igennem og godkender hver sletning. "
                "Slået til: det, der er forfaldent, slettes hver nat i dit navn."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Saved or still the defaults (unsaved, version 1), the periods are one record per
        # municipality that every save edits: two administrators opening the page on the
        # defaults are told about each other, as on a saved policy.
        self.expect_version(self.instance.version)


class ConfirmForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
