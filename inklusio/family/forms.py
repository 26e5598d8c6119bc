from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm
from inklusio.family.models import MAX_MESSAGE_CHARS


class MessageForm(DkfdsForm):
    text = forms.CharField(
        label=_("Din besked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_MESSAGE_CHARS,
        help_text=_("Kort og konkret. Den ses af forældrene og personalet på handleplanen."),
        error_messages={"required": _("Skriv beskeden, før du sender den.")},
    )
