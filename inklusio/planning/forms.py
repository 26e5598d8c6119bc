import datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, period_fields
from inklusio.organisation.models import Institution
from inklusio.people.models import PedagogueAttachment, User
from inklusio.planning.models import FUNCTIONS, Absence, Contract, WeeklyPlan, half_day_label


def half_day_choices() -> list[tuple[str, str]]:
    """The week's half-days, named in the language of the request showing them: a field given
    this function asks for them as it renders (built once at import, they stayed Danish on
    English pages)."""
    return [(f"{day}-{half}", half_day_label(day, half)) for day in range(5) for half in range(2)]


class PlanWeekForm(DkfdsForm):
    week_start = forms.DateField(
        label=_("Uge (vælg en dato i ugen)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time_limit = forms.IntegerField(
        label=_("Højst regnetid (sekunder)"), min_value=1, max_value=120, initial=10
    )

    def clean_week_start(self) -> datetime.date:
        day = self.cleaned_data["week_start"]
        return day - datetime.timedelta(days=day.weekday())


class ContractForm(VersionedEdit, DkfdsModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = [
            "weekly_hours",
            "institution_hours",
            "centre_meeting_hours",
            "action_learning_hours",
            "other_hours",
            "support_share_percent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expect_version(self.instance.version)


class AbsenceForm(DkfdsModelForm):
    class Meta:
        model = Absence
        fields = ["start", "end", "part", "kind", "note"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def _post_clean(self) -> None:
        # The rules (end after start) are the service's; the form only parses.
        pass


class AttachmentAddForm(DkfdsForm):
    """Attach the page's pedagogue to an institution; the rules are the service's
    (people.services.attachment_add), so a refused choice stays on the form."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=None,
        empty_label=_("Vælg institution"),
        error_messages={
            "required": _("Vælg den institution, pædagogen skal knyttes til."),
            "invalid_choice": _("Vælg en af kommunens institutioner fra listen."),
        },
    )
    function = forms.ChoiceField(
        label=_("Funktion"),
        choices=PedagogueAttachment.Function.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg ressourcefunktion eller støttefunktion.")},
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_attach_%s")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions


class AttachmentEndForm(DkfdsForm):
    """End one attachment from a day; ids of its own per row, so each label finds its field."""

    attachment = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = forms.DateField(
        help_text=_("Fra denne dag har pædagogen ikke længere adgang gennem tilknytningen."),
        # ISO, as a date input reads it: the Danish format would leave the default day empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Skriv den dato, tilknytningen ophører.")},
    )

    def __init__(self, *args: Any, attachment: PedagogueAttachment, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_end_{attachment.pk}_%s")
        kwargs.setdefault(
            "initial", {"attachment": attachment.pk, "ended_on": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)
        # The label names the institution: on a narrow screen the table scrolls its name away.
        self.fields["ended_on"].label = _("Tilknytningen til %(institution)s ophører den") % {
            "institution": attachment.institution
        }


class ReplanForm(DkfdsForm):
    pedagogue = forms.ModelChoiceField(label=_("Pædagog"), queryset=None)
    slots = forms.MultipleChoiceField(
        label=_("Fraværende halve dage"),
        choices=half_day_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Vælg mindst én halv dag.")},
    )
    kind = forms.ChoiceField(label=_("Årsag"), choices=Absence.Kind.choices)

    def __init__(self, *args, pedagogues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pedagogue"].queryset = pedagogues

    def absent_slots(self) -> frozenset[tuple[int, int]]:
        return frozenset(
            tuple(int(part) for part in value.split("-")) for value in self.cleaned_data["slots"]
        )


class SlotEditForm(VersionedEdit, DkfdsForm):
    pedagogue = forms.ModelChoiceField(label=_("Pædagog"), queryset=None)
    slot = forms.ChoiceField(label=_("Halv dag"), choices=half_day_choices)
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=None, required=False, empty_label=_("Ingen (fri)")
    )
    function = forms.ChoiceField(label=_("Funktion"), choices=list(FUNCTIONS.items()))
    # The plan's version the form was opened on (`WeeklyPlan.version`): a save after another
    # edit or a new calculation of the week is refused (core.errors.OutdatedSave).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        pedagogues: QuerySet[User],
        institutions: QuerySet[Institution],
        plan: WeeklyPlan,
        **kwargs: Any,
    ) -> None:
        # Ids of its own: the re-plan form on the same page has a "pedagogue" field too, and
        # each label must point at its own form's field.
        kwargs.setdefault("auto_id", "slot_%s")
        super().__init__(*args, **kwargs)
        self.fields["pedagogue"].queryset = pedagogues
        self.fields["institution"].queryset = institutions
        self.expect_version(plan.version)

    def day_half(self) -> tuple[int, int]:
        day, half = self.cleaned_data["slot"].split("-")
        return int(day), int(half)


class WeeklyPlanFilterForm(ListFilterForm):
    """The weekly plans' filters (GET): status and the weeks (by their Monday)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), *WeeklyPlan.Status.choices]
    )
    week_from, week_to = period_fields(_("Uger fra"), _("Uger til"))
    lookups = {"status": "status", "week_from": "week_start__gte", "week_to": "week_start__lte"}

    def __init__(self, *args: Any, with_proposals: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_proposals:
            # Those who see no proposal are not offered to filter by one.
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [
                choice for choice in status.choices if choice[0] != WeeklyPlan.Status.PROPOSED
            ]


WEEKLY_PLAN_COLUMNS = [
    Column("week", _("Uge"), ("-week_start", "-created_at")),
    Column("status", _("Status"), ("status",)),
    Column("created", _("Lavet"), ("-created_at",)),
    Column("note", _("Note")),
]
