from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsWidgets


class ReminderSettingForm(DkfdsWidgets, forms.Form):
    email = forms.BooleanField(
        label=_("Send mig en e-mail, når noget venter på mig"),
        required=False,
        help_text=_("E-mailen siger kun, hvor mange ting der venter, med et link hertil."),
    )
