from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.core.forms import DkfdsForm, VersionedEdit
from inklusio.organisation.models import Room
from inklusio.screening.models import FollowUp, Half, Light
from inklusio.screening.selectors import RoundLine
from inklusio.screening.services import Problem, RatingInput


class OpenRoundForm(DkfdsForm):
    room = forms.ModelChoiceField(label=_("Stue"), queryset=None)
    half = forms.TypedChoiceField(
        label=_("Halvår"), choices=Half.choices, coerce=int, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, rooms: QuerySet[Room], **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {"year": today.year, "half": Half.SPRING if today.month <= 6 else Half.AUTUMN},
        )
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: room.name


class RoundForm(VersionedEdit, DkfdsForm):
    """One fieldset per child: a light for well-being and for development, and for yellow or
    red the follow-up. Fields are named by the child's public id, so a child who joins the room
    while the form is open cannot shift another child's answers."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, lines: Sequence[RoundLine], version: int, **kwargs: Any) -> None:
        """`version`: the round's, as saved now."""
        super().__init__(*args, **kwargs)
        self.expect_version(version)
        self.lines = list(lines)
        for line in self.lines:
            rating, key = line.rating, line.child.public_id.hex
            self.fields[f"{key}-wellbeing"] = self._light(
                _("Trivsel"), rating.wellbeing if rating else None
            )
            self.fields[f"{key}-development"] = self._light(
                _("Udvikling"), rating.development if rating else None
            )
            self.fields[f"{key}-follow_up"] = forms.ChoiceField(
                label=_("Opfølgning ved gul eller rød"),
                choices=[("", _("Ingen valgt")), *FollowUp.choices],
                required=False,
                initial=rating.follow_up if rating else "",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{key}-action"] = forms.CharField(
                label=_("Handling på stuen (kort)"),
                max_length=200,
                required=False,
                initial=rating.action if rating else "",
                widget=forms.TextInput(attrs={"class": "form-input"}),
            )

    @staticmethod
    def _light(label: str, initial: str | None) -> forms.ChoiceField:
        return forms.ChoiceField(
            label=label,
            choices=Light.choices,
            required=False,
            initial=initial,
            widget=forms.RadioSelect(attrs={"class": "choice-list"}),
        )

    def rows(self) -> list[dict[str, Any]]:
        """Each child with its four bound fields, for the template."""
        rows = []
        for line in self.lines:
            key = line.child.public_id.hex
            lights = [self[f"{key}-wellbeing"], self[f"{key}-development"]]
            details = [self[f"{key}-follow_up"], self[f"{key}-action"]]
            rows.append(
                {
                    "line": line,
                    "lights": lights,
                    "details": details,
                    "has_errors": any(field.errors for field in [*lights, *details]),
                }
            )
        return rows

    def ratings(self) -> list[RatingInput]:
        data = self.cleaned_data
        return [
            RatingInput(
                child=line.child,
                wellbeing=data.get(f"{line.child.public_id.hex}-wellbeing") or "",
                development=data.get(f"{line.child.public_id.hex}-development") or "",
                follow_up=data.get(f"{line.child.public_id.hex}-follow_up") or "",
                action=data.get(f"{line.child.public_id.hex}-action") or "",
            )
            for line in self.lines
        ]

    def show_problems(self, problems: Sequence[Problem]) -> None:
        for problem in problems:
            self.add_error(f"{problem.child.public_id.hex}-{problem.field}", problem.message)
