from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import Child
from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, institution_field, period_fields
from inklusio.core.public_holidays import refuse_public_holiday
from inklusio.courses.models import Course
from inklusio.people.models import User
from inklusio.plans.models import (
    Acknowledgement,
    ActionPlan,
    Adjustment,
    Agreement,
    GoalBankEntry,
    GoalStatus,
    PlanMeeting,
)
from inklusio.plans.rules import PLAN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FOLLOW_UP_WEEKS_MESSAGE = _("Skriv, hvor mange uger der går mellem opfølgningerne (mindst 1).")


class PlanForm(VersionedEdit, DkfdsModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Hvorfor ændres planen?"), required=False, max_length=300)

    class Meta:
        model = ActionPlan
        fields = ["child", "course", "owner", *PLAN_FIELDS]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "strategies": forms.Textarea(attrs={"rows": 4}),
            "parent_collaboration": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        children: QuerySet[Child],
        courses: QuerySet[Course],
        owners: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The table's check constraints are a backstop; the form says each rule by its field
        # (a field in error is left out of the constraint check, whose message names the rule).
        # The field's own "at least 0" (a positive integer column) goes: beside "at least 1" it
        # told whoever typed a negative number two different lower bounds.
        weeks = self.fields["follow_up_weeks"]
        weeks.validators = [
            *(v for v in weeks.validators if not isinstance(v, MinValueValidator)),
            MinValueValidator(1, FOLLOW_UP_WEEKS_MESSAGE),
        ]
        weeks.widget.attrs["min"] = 1
        if self.instance.pk:
            self.expect_version(self.instance.version)
            del self.fields["child"], self.fields["course"], self.fields["owner"]
        else:
            del self.fields["reason"]
            self.fields["child"].queryset = children
            self.fields["child"].label = _("For et barn")
            self.fields["course"].queryset = courses
            self.fields["course"].label = _("… eller for et ressourceforløb")
            self.fields["owner"].queryset = owners

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and bool(cleaned.get("child")) == bool(cleaned.get("course")):
            self.add_error("child", _("Vælg enten et barn eller et forløb, som planen gælder."))
        return cleaned


class GoalForm(DkfdsForm):
    text = forms.CharField(label=_("Mål"), max_length=300, required=False)
    success_criterion = forms.CharField(
        label=_("Succeskriterium"),
        max_length=300,
        required=False,
        help_text=_("Hvordan kan vi se, at målet er nået?"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("success_criterion"):
            self.add_error("success_criterion", _("Et mål skal have et succeskriterium."))
        if cleaned.get("success_criterion") and not cleaned.get("text"):
            self.add_error("text", _("Skriv målet."))
        return cleaned


class AgreementForm(DkfdsForm):
    text = forms.CharField(label=_("Aftale"), max_length=300, required=False)
    owner = forms.CharField(label=_("Hvem"), max_length=120, required=False)
    due = forms.DateField(label=_("Senest"), required=False, widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("text") and not cleaned.get("owner"):
            self.add_error("owner", _("Hver aftale skal have en ansvarlig."))
        return cleaned


GoalFormSet = forms.formset_factory(GoalForm, extra=2)
AgreementFormSet = forms.formset_factory(AgreementForm, extra=2)


def filled(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data.get("text")]


class MeetingForm(DkfdsModelForm):
    class Meta:
        model = PlanMeeting
        fields = ["kind", "date", "start_time", "place", "participants", "others"]
        # The model field has no Danish name (changing it would need a migration).
        labels = {"kind": _("Mødetype")}
        widgets = {
            "kind": forms.RadioSelect,
            "date": DATE,
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "participants": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        self.fields["date"].validators.append(refuse_public_holiday)


class HoldForm(DkfdsForm):
    note = forms.CharField(
        label=_("Referat"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class GoalStatusForm(DkfdsForm):
    status = forms.ChoiceField(choices=GoalStatus.Status.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AcknowledgeForm(DkfdsForm):
    answer = forms.ChoiceField(
        label=_("Dit svar"), choices=Acknowledgement.Answer.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skriv, hvad du ikke er enig i, hvis du har indsigelser."),
    )


class AdjustmentForm(DkfdsModelForm):
    # Only parses: services.adjustment_propose says what a kind of proposal needs.
    class Meta:
        model = Adjustment
        fields = [
            "reason",
            "strategies",
            "kind",
            "target",
            "agreement_text",
            "agreement_owner",
            "agreement_due",
        ]
        widgets = {
            "strategies": forms.Textarea(attrs={"rows": 4}),
            "kind": forms.RadioSelect,
            "agreement_due": DATE,
        }
        labels = {"agreement_text": _("Aftale (ny eller ny ordlyd)")}
        help_texts = {
            "strategies": _("Tomt: strategierne er uændrede. Udfyldt: erstatter de nuværende."),
            "target": _("Den aftale, der erstattes eller afsluttes."),
        }

    def __init__(self, *args: Any, agreements: QuerySet[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = agreements
        self.fields["kind"].required = False
        self.fields["target"].label_from_instance = lambda a: f"{a.text} – {a.owner}"

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Adjustment.Kind.ADD


class ReasonForm(DkfdsForm):
    # Only parses: the services refuse an empty reason or note with their message.
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=300,
    )


class ResolveForm(DkfdsForm):
    note = forms.CharField(
        label=_("Hvordan er indsigelsen afklaret?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
    )


class CloseForm(DkfdsForm):
    # Only parses: services.plan_close refuses a close without an evaluation, with its message.
    evaluation = forms.CharField(
        label=_("Evaluering"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    methods_in_practice = forms.ChoiceField(
        label=_("Er metoderne blevet en del af personalets hverdag?"),
        choices=ActionPlan.Rating.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class GoalBankForm(VersionedEdit, DkfdsModelForm):
    """A goal bank entry; only parses (plans.services checks the goal and its criterion)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GoalBankEntry
        fields = list(GoalBankEntry.EDITABLE_FIELDS)
        widgets = {"strategies": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.expect_version(self.instance.version)


class PlanFilterForm(ListFilterForm):
    """The plan list's filters (GET): status (the open ones unless asked), institution (for
    those who see more than one), the user's own plans, and when the plan was made."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Igangværende")), *ActionPlan.Status.choices, ("", _("Alle"))],
    )
    institution = institution_field()
    owner = forms.ChoiceField(
        label=_("Ansvarlig"), required=False, choices=[("", _("Alle")), ("mine", _("Mine"))]
    )
    created_from, created_to = period_fields(_("Oprettet fra"), _("Oprettet til"))
    lookups = {
        "institution": "institution",
        "created_from": "created_at__date__gte",
        "created_to": "created_at__date__lte",
    }
    defaults = {"status": "open"}
    own_field = "owner"

    def filter_status(self, plans, value):
        if value == "open":
            return plans.exclude(status=ActionPlan.Status.CLOSED)
        return plans.filter(status=value)

    def filter_owner(self, plans, value):
        return plans.filter(owner=self.user)


PLAN_COLUMNS = [
    Column("title", _("Plan"), ("title",)),
    Column("for", _("For"), ("child__first_name", "child__last_name", "course__title")),
    Column("institution", _("Institution"), ("institution__name",)),
    Column("owner", _("Ansvarlig"), ("owner__first_name", "owner__last_name")),
    Column("status", _("Status"), ("status",)),
    Column("created", _("Oprettet"), ("-created_at",)),
    Column("follow_up", _("Næste opfølgning")),
]
