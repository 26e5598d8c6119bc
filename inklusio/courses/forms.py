from typing import Any, TypeVar, cast

from django import forms
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import Child
from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, institution_field, period_fields
from inklusio.core.public_holidays import refuse_public_holiday
from inklusio.courses.models import (
    Course,
    EffectMeasure,
    Observation,
    Participant,
    ResourceTask,
    Session,
)
from inklusio.organisation.models import Institution
from inklusio.people.models import User

_M = TypeVar("_M", bound=Model)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _one_choice_preselected(field, queryset) -> None:
    """A leader with one institution should not have to pick it."""
    field.queryset = queryset
    if len(queryset) == 1:
        field.empty_label = None


class TaskForm(DkfdsModelForm):
    class Meta:
        model = ResourceTask
        fields = ["institution", "room", "usage", "problem"]
        widgets = {"usage": forms.RadioSelect, "problem": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _one_choice_preselected(self.fields["institution"], institutions)
        # A room is named with its institution: read them together, not one query per room.
        self.fields["room"].queryset = (
            self.fields["room"].queryset.filter(institution__in=institutions)
        ).select_related("institution")

    def clean(self):
        cleaned = super().clean()
        room, institution = cleaned.get("room"), cleaned.get("institution")
        if room and institution and room.institution_id != institution.pk:
            self.add_error("room", _("Stuen hører ikke til den valgte institution."))
        return cleaned


class CourseForm(VersionedEdit, DkfdsModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Course
        fields = [
            "institution",
            "kind",
            "title",
            "goals",
            "start",
            "planned_end",
            "pedagogue",
            "coordinator",
            "coordinator_staff",
            "staff",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "coordinator": forms.RadioSelect,
            "goals": forms.Textarea(attrs={"rows": 4}),
            "start": DATE,
            "planned_end": DATE,
            "staff": forms.CheckboxSelectMultiple,
        }
        help_texts = {"planned_end": _("Tom: om cirka et halvt år.")}

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        pedagogues: QuerySet[User],
        staff: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_end"].required = False
        _one_choice_preselected(self.fields["institution"], institutions)
        self.fields["pedagogue"].queryset = pedagogues
        self.fields["coordinator_staff"].queryset = staff
        self.fields["staff"].queryset = staff
        if self.instance.pk:
            self.expect_version(self.instance.version)
            del self.fields["institution"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("Forløbet kan ikke slutte, før det starter."))
        if cleaned.get("coordinator") == Course.Coordinator.STAFF and not cleaned.get(
            "coordinator_staff"
        ):
            self.add_error("coordinator_staff", _("Vælg den medarbejder, der er tovholder."))
        return cleaned


class _OfferedChoices(ModelChoiceIterator[Any]):
    def __init__(self, field: "OfferedChoiceField[Any]") -> None:
        super().__init__(field)
        if field.offered is not None:
            self.queryset = field.offered


class OfferedChoiceField(forms.ModelChoiceField[_M]):
    """A picker that lists fewer choices than it accepts: it lists `offered` and accepts
    `queryset` (set `offered` first). A choice no longer listed (a child or a staff member who
    has joined the course since the page was opened) then reaches the service, whose refusal
    says why by the field, where Django's own would only call it an invalid choice."""

    iterator = _OfferedChoices
    offered: QuerySet[_M] | None = None


class ParticipantForm(DkfdsForm):
    child = OfferedChoiceField[Child](label=_("Barn"), queryset=None, required=False)
    staff_member = OfferedChoiceField[User](label=_("Medarbejder"), queryset=None, required=False)
    role = forms.ChoiceField(
        label=_("Deltager som"),
        widget=forms.RadioSelect,
        choices=[
            (Participant.Role.CASE, _("Barn i udsat position")),
            (Participant.Role.ROLE_MODEL, _("Rollemodel")),
        ],
        initial=Participant.Role.CASE,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        course: Course,
        children: QuerySet[Child],
        offered: QuerySet[Child],
        staff: QuerySet[User],
        offered_staff: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        """`children`, `staff`: those who may join the course; `offered`, `offered_staff`:
        those the pickers list (not those already in it)."""
        super().__init__(*args, **kwargs)
        if course.for_staff:
            del self.fields["child"], self.fields["role"]
            staff_picker = cast(OfferedChoiceField[User], self.fields["staff_member"])
            staff_picker.offered = offered_staff
            staff_picker.queryset = staff
            self.fields["staff_member"].required = True
        else:
            del self.fields["staff_member"]
            picker = cast(OfferedChoiceField[Child], self.fields["child"])
            picker.offered = offered
            picker.queryset = children
            self.fields["child"].required = True
            self.fields["role"].required = True
        self.for_staff = course.for_staff

    def clean(self):
        cleaned = super().clean()
        if self.for_staff:
            # No role to choose on a staff course: a staff member takes part as staff.
            cleaned["role"] = Participant.Role.STAFF
        return cleaned


class LetterGivenForm(DkfdsForm):
    on = forms.DateField(label=_("Givet den"), widget=DATE, initial=timezone.localdate)
    delivery = forms.ChoiceField(label=_("Hvordan"), choices=Participant.Delivery.choices)


class SessionPlanForm(DkfdsForm):
    date = forms.DateField(label=_("Dato"), widget=DATE, validators=[refuse_public_holiday])
    start_time = forms.TimeField(
        label=_("Kl."), widget=forms.TimeInput(attrs={"type": "time"}), initial="09:00"
    )
    clash_reason = forms.CharField(
        label=_("Begrundelse, hvis samlingen falder sammen med andet"),
        help_text=_(
            "Kun når tidspunktet støder ind i pædagogens andre samlinger, fravær, "
            "centermødet eller ugeplanen."
        ),
        required=False,
        max_length=300,
    )


class SessionHeldForm(VersionedEdit, DkfdsForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Deltog"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = session.course.participants.select_related("child", "staff_member")
        self.fields["attendees"].queryset = participants
        if session.status == Session.Status.HELD:
            # Reopened: the registered values, not a fresh form.
            self.fields["attendees"].initial = [p.pk for p in session.attendees.all()]
            self.fields["note"].initial = session.note
        elif session.is_registered:
            self.fields["attendees"].initial = []
        else:
            self.fields["attendees"].initial = list(participants)
        add_correction_reason(self, session)


class SessionCancelForm(VersionedEdit, DkfdsForm):
    cause = forms.ChoiceField(
        label=_("Årsag"), choices=Session.Cause.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if session.status == Session.Status.CANCELLED:
            self.fields["cause"].initial = session.cause
            self.fields["note"].initial = session.note
        add_correction_reason(self, session)


def add_correction_reason(form: VersionedEdit, session: Session) -> None:
    """A registered session is corrected, not registered again: the form asks why (the service
    requires it and keeps it with the earlier registration)."""
    if session.is_registered:
        form.fields["reason"] = forms.CharField(
            label=_("Hvorfor rettes registreringen?"),
            max_length=500,
            widget=forms.TextInput(attrs={"class": "form-input"}),
            error_messages={"required": _("Skriv, hvorfor registreringen rettes.")},
            help_text=_("Den tidligere registrering bevares som historik med din begrundelse."),
        )
        # The registration the correction starts from (its number of corrections): one saved
        # meanwhile is not replaced unseen (core.errors.OutdatedSave), and a correction that
        # does not say which registration it corrects is refused.
        form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        form.expect_version(len(session.corrections))


class ObservationForm(DkfdsModelForm):
    class Meta:
        model = Observation
        fields = ["date", "focus", "child", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = self.fields["child"].queryset.filter(
            course_participations__course=course
        )
        self.fields["child"].required = False


class MeasureForm(DkfdsModelForm):
    class Meta:
        model = EffectMeasure
        fields = ["participation", "play", "conflicts", "wellbeing", "note", "assessed_on"]
        widgets = {
            "participation": forms.RadioSelect,
            "play": forms.RadioSelect,
            "conflicts": forms.RadioSelect,
            "wellbeing": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
            "assessed_on": DATE,
        }


class CloseForm(DkfdsForm):
    # Only parses: services.course_close refuses a close without the evaluation or before the start.
    closed_on = forms.DateField(label=_("Afsluttet den"), widget=DATE, initial=timezone.localdate)
    goals_reached = forms.ChoiceField(
        label=_("Nåede forløbet sine mål?"),
        choices=Course.Rating.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    methods_in_practice = forms.ChoiceField(
        label=_("Er metoderne blevet en del af personalets hverdag?"),
        choices=Course.Rating.choices,
        widget=forms.RadioSelect,
        help_text=_("Evalueringen fandt, at metoderne ofte forsvandt, når forløbet sluttede."),
        required=False,
    )
    evaluation = forms.CharField(
        label=_("Evaluering"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course


class CourseFilterForm(ListFilterForm):
    """The course list's filters (GET): running or closed, institution (for those who see more
    than one), type, and when a course started. No "mine": a pedagogue sees only the courses
    they run, and no one else runs any."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("I gang")), ("closed", _("Afsluttede")), ("", _("Alle"))],
    )
    institution = institution_field()
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Alle")), *Course.Kind.choices]
    )
    start_from, start_to = period_fields(_("Start fra"), _("Start til"))
    lookups = {
        "institution": "institution",
        "kind": "kind",
        "start_from": "start__gte",
        "start_to": "start__lte",
    }
    defaults = {"status": "active"}

    def filter_status(self, courses, value):
        return courses.filter(closed_on__isnull=value == "active")


COURSE_COLUMNS = [
    Column("title", _("Forløb"), ("title",)),
    Column("kind", _("Type"), ("kind",)),
    Column("institution", _("Institution"), ("institution__name",)),
    Column("pedagogue", _("Pædagog"), ("pedagogue__first_name", "pedagogue__last_name")),
    Column("start", _("Periode"), ("-start",)),
    Column("children", _("Børn"), ("-case_count",), numeric=True),
    Column("role_models", _("Rollemodeller"), ("-role_model_count",), numeric=True),
]
