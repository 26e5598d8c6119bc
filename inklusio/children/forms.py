from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cpr as cpr_number
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from inklusio.children.models import Child, DifficultyCategory, Guardian
from inklusio.core.forms import DkfdsForm, DkfdsModelForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, institution_field
from inklusio.organisation.models import Institution, ResourceGroup, Room


def clean_cpr_number(value: str) -> str:
    """Format and embedded birth date only: CPR numbers without a valid checksum exist since 2007."""
    try:
        return cpr_number.validate(value)
    except InvalidLength as error:
        raise forms.ValidationError(
            _("Et CPR-nummer har 10 cifre, fx 150322-4123."), code="length"
        ) from error
    except InvalidFormat as error:
        raise forms.ValidationError(
            _("Et CPR-nummer må kun indeholde cifre og evt. en bindestreg."), code="format"
        ) from error
    except InvalidComponent as error:
        raise forms.ValidationError(
            _(
                "CPR-nummeret indeholder ikke en gyldig fødselsdato, eller datoen ligger i fremtiden."
            ),
            code="date",
        ) from error
    except ValidationError as error:
        raise forms.ValidationError(_("CPR-nummeret er ikke gyldigt."), code="invalid") from error


class ChildForm(VersionedEdit, DkfdsModelForm):
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=11,
        help_text=_("10 cifre, fx 150322-4123. Fødselsdatoen udledes af nummeret."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Child
        fields = [
            "cpr",
            "first_name",
            "last_name",
            "institution",
            "room",
            "resource_group",
            "languages",
            "category",
            "left_on",
        ]
        widgets = {"left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        only = list(institutions[:2])
        if len(only) == 1:
            # A leader or staff member adds children to their own institution: no choice to make.
            self.fields["institution"].empty_label = None
            self.fields["institution"].initial = only[0].pk
        # A room is named with its institution: read them together, not one query per room.
        self.fields["room"].queryset = Room.objects.filter(
            institution__in=institutions
        ).select_related("institution")
        self.fields["resource_group"].queryset = ResourceGroup.objects.filter(
            institution__municipality__in=institutions.values("municipality")
        )
        self.fields["category"].choices = [
            ("", _("Ikke angivet")),
            *list(self.fields["category"].choices)[1:],
        ]
        if self.instance.pk:
            # The number is never sent back to the browser: an empty field keeps it.
            self.fields["cpr"].required = False
            self.fields["cpr"].help_text = _(
                "Nu: %(masked)s. Udfyld kun feltet, hvis nummeret skal rettes."
            ) % {"masked": self.instance.masked_cpr}
            self.expect_version(self.instance.version)

    def clean_cpr(self) -> str:
        value = self.cleaned_data["cpr"]
        if not value and self.instance.pk:
            return ""
        return clean_cpr_number(value)

    def clean(self):
        cleaned = super().clean()
        room, institution = cleaned.get("room"), cleaned.get("institution")
        if room and institution and room.institution_id != institution.pk:
            self.add_error("room", _("Stuen hører ikke til den valgte daginstitution."))
        return cleaned

    def _post_clean(self):
        # The service assigns and validates the model; the form only cleans input.
        pass


class GuardianForm(DkfdsModelForm):
    relation = forms.CharField(label=_("Relation til barnet"), max_length=50, required=False)
    has_custody = forms.BooleanField(label=_("Har forældremyndighed"), required=False, initial=True)

    class Meta:
        model = Guardian
        fields = list(Guardian.EDITABLE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) or self.has_error(name) for name in ("email", "phone")):
            # An address or number typed wrong has its own error at its field.
            raise forms.ValidationError(
                _("Angiv mindst én måde at kontakte forælderen på: e-mail eller telefon.")
            )
        return cleaned


class GuardianEditForm(VersionedEdit, GuardianForm):
    """A guardian's contact data and relation to one child ("Ret forælder"); custody is not
    changed here."""

    has_custody = None
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, relation: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relation"].initial = relation
        self.expect_version(self.instance.version)

    def _post_clean(self):
        # The service assigns and validates the model; the form only cleans input.
        pass


class ChildSearchForm(DkfdsForm):
    """Sent by POST only, so a CPR number typed here never lands in a URL or an access log."""

    q = forms.CharField(label=_("Søg på navn eller CPR-nummer"), required=False, max_length=100)


class ChildFilterForm(ListFilterForm):
    """The child list's filters (GET, no CPR number): institution (for those who see more than
    one) and the most prominent difficulty."""

    institution = institution_field()
    category = forms.ChoiceField(
        label=_("Vanskelighed"),
        required=False,
        choices=[("", _("Alle")), *DifficultyCategory.choices],
    )
    lookups = {"institution": "institution", "category": "category"}


CHILD_COLUMNS = [
    Column("name", _("Navn"), ("first_name", "last_name")),
    Column("born", _("CPR-nummer"), ("birth_date",)),
    Column("institution", _("Daginstitution"), ("institution__name", "first_name")),
    Column("room", _("Stue"), ("room__name", "first_name")),
    Column("category", _("Vanskelighed"), ("category", "first_name")),
]
