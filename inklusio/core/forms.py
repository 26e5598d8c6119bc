"""Forms rendered with Det Fælles Designsystem markup; errors sit next to their field."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from inklusio.audit.services import SENSITIVE_FIELDS
from inklusio.core.dates import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE
from inklusio.core.errors import (
    EDIT_CONFLICT_MESSAGE,
    DomainError,
    EditConflict,
    OutdatedSave,
)


class DkfdsFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


# Multiple-choice checkboxes and radios keep the browser's own look: Django renders the input
# inside its label, which the design system's input-then-label styling would hide.
_WIDGET_CLASSES = (
    (forms.CheckboxSelectMultiple, "choice-list"),
    (forms.RadioSelect, "choice-list"),
    (forms.CheckboxInput, "form-checkbox"),
    (forms.Select, "form-select"),
)


class DkfdsWidgets:
    """Mixin that adds the design system's CSS classes to every widget of a form, and keeps
    every date within EARLIEST_DATE..LATEST_DATE."""

    # What another person changed, when this form's save was refused as outdated
    # (`show_edit_conflict`); the form template shows it above the fields.
    edit_conflict: "tuple[ChangedField, ...]" = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect) and not isinstance(
                field, forms.ModelChoiceField
            ):
                # A radio list needs no "---------" option: nothing ticked means nothing chosen.
                field.choices = [(value, label) for value, label in field.choices if value != ""]
            css = next(
                (name for widget, name in _WIDGET_CLASSES if isinstance(field.widget, widget)),
                "form-input",
            )
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, forms.DateField):
                field.validators += [
                    MinValueValidator(EARLIEST_DATE, DATE_RANGE_MESSAGE),
                    MaxValueValidator(LATEST_DATE, DATE_RANGE_MESSAGE),
                ]


FieldT = TypeVar("FieldT", bound=forms.Field)


def required_when(field: FieldT, condition: str | Promise) -> FieldT:
    """Mark a field the form leaves optional because the service needs it in some cases only
    (a leader's institution): its label says when it is needed (`condition`, shown in brackets
    as "(valgfrit)" is), so no one reads it as one that may always be left out."""
    field.required_when = condition  # type: ignore[attr-defined]
    return field


class DkfdsForm(DkfdsWidgets, forms.Form):
    pass


class DkfdsModelForm(DkfdsWidgets, forms.ModelForm):
    pass


# Free text is never repeated in the conflict summary (art. 9 data, and it can be long): the
# summary says that it changed and who changed it. The audit trail redacts the same fields.
_FREE_TEXT = SENSITIVE_FIELDS | {"agreements"}


@dataclass(frozen=True)
class ChangedField:
    """One field the other person changed, as the conflict summary shows it."""

    label: str
    value: str | None  # its current value; None for free text, which is not shown
    by: str


def show_edit_conflict(
    form: forms.BaseForm, error: EditConflict, labels: Mapping[str, str | Promise] | None = None
) -> None:
    """Turn a refused, outdated save into the one conflict message on `form`.

    What the user typed stays in the form; its hidden `version` moves to the current one, so
    pressing Gem again is a deliberate save over the other person's changes, which the form
    lists above its fields (`form.edit_conflict`, shown by `core/_edit_conflict.html`)."""
    form.add_error(None, EDIT_CONFLICT_MESSAGE)
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = error.current.version
    form.edit_conflict = tuple(  # type: ignore[attr-defined]
        [
            ChangedField(
                label=_field_label(form, error.current, name, labels or {}),
                value=None if name in _FREE_TEXT else _current_value(error.current, name, change),
                by=str(change.get("by") or ""),
            )
            for name, change in error.changed_fields.items()
        ]
    )


# A save of an existing record that does not say which version of it the user saw cannot be
# checked against what was saved meanwhile (EditConflict, OutdatedSave): it is refused, never let
# through to overwrite unseen (a stale or hand-made request). Nothing is lost: what was typed
# stays, and the hidden version moves on to the current one, as after an edit conflict, so
# saving again is a deliberate choice.
VERSION_MISSING_MESSAGE = gettext_lazy(
    "Vi kunne ikke se, hvilken udgave du har rettet i, så intet er gemt: ellers kunne du komme "
    "til at overskrive andres ændringer uden at vide det. Det, du har skrevet, er bevaret "
    "herunder. Gemmer du igen, erstatter din udgave den, der er gemt nu."
)


# A save that says it started from a version the record has not reached (a hand-made request,
# a page from another copy of the database) cannot be compared with what is saved either: it
# was shown as an edit conflict in which nobody had changed anything. It is refused on its own
# terms, and what was typed is kept as after a missing version.
VERSION_UNKNOWN_MESSAGE = gettext_lazy(
    "Den udgave, du har rettet i, findes ikke (den er nyere end den gemte), så intet er gemt. "
    "Det, du har skrevet, er bevaret herunder. Gemmer du igen, erstatter din udgave den, der "
    "er gemt nu. Vil du først se den gemte udgave, så åbn siden igen."
)


class VersionedEdit(forms.BaseForm):
    """Mixin (listed before the form class) for a form with a hidden `version` field: when it
    edits an existing record (`expect_version`), a post must carry the version it was opened
    on. One without it, or with one that is not a number, is refused above the fields with
    VERSION_MISSING_MESSAGE; one later than the record's version now, with
    VERSION_UNKNOWN_MESSAGE. Creating a record needs no version: `expect_version` is not
    called, and the field stays optional."""

    # The record's version as saved now, when the form edits one; None while creating.
    current_version: int | None = None

    def expect_version(self, current: int) -> None:
        """This form edits a record whose version is `current` now: it opens on that version,
        and a save must say which version it started from."""
        self.current_version = current
        self.fields["version"].initial = current

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.current_version is None:
            return
        name = "version"
        if name in self.errors or self.cleaned_data.get(name) is None:
            message = VERSION_MISSING_MESSAGE
        elif self.cleaned_data[name] > self.current_version:
            message = VERSION_UNKNOWN_MESSAGE
        else:
            return
        self.errors.pop(name, None)
        self.cleaned_data.pop(name, None)
        self.add_error(None, message)
        self.data = self.data.copy()
        self.data[self.add_prefix(name)] = self.current_version


def save_form(
    form: VersionedEdit,
    service: Callable[..., object],
    /,
    labels: Mapping[str, str | Promise] | None = None,
    **arguments: Any,
) -> bool:
    """Save a valid form through its service, and say whether it was saved.

    The service is called with `arguments`, the form's cleaned data less its hidden `version`
    as `data`, and, where the form edits a record (`expect_version`), the version it was opened
    on as `expected_version`. A refusal goes onto the form with what was typed kept: an edit
    conflict as `show_edit_conflict` shows it (with `labels`), any other DomainError by the
    field it concerns (`show_refusal`)."""
    data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    if form.current_version is not None:
        arguments["expected_version"] = form.cleaned_data["version"]
    try:
        service(**arguments, data=data)
    except EditConflict as error:
        show_edit_conflict(form, error, labels)
    except DomainError as error:
        show_refusal(form, error)
    else:
        return True
    return False


def show_outdated_save(form: forms.BaseForm, error: OutdatedSave) -> None:
    """`show_edit_conflict` for a record versioned by its own number: the one conflict message,
    what was typed kept, and the hidden `version` moved on, so saving again is deliberate."""
    form.add_error(None, str(error))
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = error.current_version


def show_refusal(form: forms.BaseForm, error: DomainError) -> None:
    """A service's refusal on the form: its own Danish message by the field it concerns (else
    above the fields), with what was typed kept."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def focus_first_error(form: forms.BaseForm) -> None:
    """Bring a refused inline form into view: its first field in error (its first field, when
    the error is above the fields) takes the focus as the page loads, so a form low on a long
    page is scrolled to where its message is, not left below the fold."""
    names = [name for name in form.fields if name in form.errors] or list(form.fields)[:1]
    for name in names[:1]:
        form.fields[name].widget.attrs["autofocus"] = True


def _field_label(
    form: forms.BaseForm, obj: Any, name: str, labels: Mapping[str, str | Promise]
) -> str:
    if name in labels:
        return str(labels[name])
    if name in form.fields and form.fields[name].label:
        return str(form.fields[name].label)
    try:
        return str(capfirst(obj._meta.get_field(name).verbose_name))
    except (AttributeError, FieldDoesNotExist):
        return name


def _current_value(obj: Any, name: str, change: Mapping[str, Any]) -> str:
    """The field's value as saved now, as a person reads it (a choice's label, not its code)."""
    try:
        field = obj._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return _shown(change.get("after"))
    if getattr(field, "choices", None) and not field.is_relation:
        return _shown(getattr(obj, f"get_{name}_display")())
    if field.many_to_many or field.one_to_many:
        return _shown(change.get("after"))
    return _shown(getattr(obj, name))


def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return "–"
    if value is True or value is False:
        return str(gettext("Ja") if value else gettext("Nej"))
    return str(formats.localize(value))


class GlobalSearchForm(DkfdsForm):
    """The header's search: posted (it may hold a CPR number) and kept in the session."""

    q = forms.CharField(
        label=gettext_lazy(
            "Søg efter barn, CPR-nummer, sagsnummer, plan, forløb eller institution"
        ),
        max_length=100,
        error_messages={
            "required": gettext_lazy(
                "Skriv et navn, et CPR-nummer, et sagsnummer eller en institution."
            )
        },
    )
