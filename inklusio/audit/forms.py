import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inklusio.audit.models import AuditAction
from inklusio.audit.services import hash_cpr_numbers
from inklusio.core.forms import DkfdsForm


class AuditSearchForm(DkfdsForm):
    """Sent by POST (a search term may be a CPR number) and kept in the session, hashed."""

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

    def saved_criteria(self) -> dict[str, str]:
        """The valid criteria as the session keeps them: JSON-safe, a CPR number hashed with the
        log's key (the log's own search matches on that hash)."""
        saved = {name: str(value) for name, value in self.cleaned_data.items() if value}
        if "term" in saved:
            saved["term"] = hash_cpr_numbers(saved["term"])
        return saved


def criteria_from(saved: dict[str, str] | None) -> dict[str, Any]:
    """The kept criteria as `audit.selectors.audit_entries_for` takes them."""
    saved = saved or {}
    dates = {
        name: datetime.date.fromisoformat(saved[name])
        for name in ("date_from", "date_to")
        if saved.get(name)
    }
    return {
        "child": saved.get("child", ""),
        "actor": saved.get("user", ""),
        "action": saved.get("action", ""),
        "term": saved.get("term", ""),
        "date_from": dates.get("date_from"),
        "date_to": dates.get("date_to"),
    }


def search_summary(saved: dict[str, str] | None) -> str:
    """The criteria as the log of this read keeps them (a CPR number is hashed there)."""
    parts = [f"{name}={value}" for name, value in (saved or {}).items() if value]
    return "; ".join(parts) or "(alle)"


def form_showing(saved: dict[str, str] | None) -> AuditSearchForm:
    """The search form filled in with a kept search, a hashed term left out (it cannot be shown
    back; the results say what was searched for)."""
    initial = {name: value for name, value in (saved or {}).items() if name != "term"}
    return AuditSearchForm(initial=initial)
