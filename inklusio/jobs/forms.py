from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.core.listing import Column, ListFilterForm, period_fields
from inklusio.jobs.models import Job


class JobFilterForm(ListFilterForm):
    """The user's own files (GET): status, kind and when they were asked for."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *Job.Status.choices]
    )
    kind = forms.ChoiceField(label=_("Fil"), required=False)
    created_from, created_to = period_fields(_("Bestilt fra"), _("Bestilt til"))
    lookups = {
        "status": "status",
        "kind": "kind",
        "created_from": "created_at__date__gte",
        "created_to": "created_at__date__lte",
    }

    def __init__(self, *args: Any, titles: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Alle")), *sorted(titles.items(), key=lambda t: t[1])]


JOB_COLUMNS = [
    Column("kind", _("Fil"), ("kind",)),
    Column("created", _("Bestilt"), ("-created_at",)),
    Column("status", _("Status"), ("status",)),
]
