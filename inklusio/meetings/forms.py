from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inklusio.children.models import Child
from inklusio.core.forms import DkfdsForm, VersionedEdit
from inklusio.core.listing import Column, ListFilterForm, institution_field, period_fields
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.meetings.models import AgendaItem, DiscussionConsent
from inklusio.organisation.models import Institution
from inklusio.people.models import Profession, Role, User
from inklusio.referrals.models import Referral

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(DkfdsForm):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    date = forms.DateField(label=_("Dato"), widget=DATE)
    start_time = forms.TimeField(
        label=_("Kl."), widget=forms.TimeInput(attrs={"type": "time"}), initial="13:00"
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Psykolog og tale-/hørekonsulent"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        partners: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:
            self.fields["institution"].empty_label = None
        self.fields["partners"].queryset = partners
        self.fields["partners"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_profession_display()})"
        )


class ItemForm(DkfdsForm):
    kind = forms.ChoiceField(
        label=_("Punktet handler om"), choices=AgendaItem.Kind.choices, widget=forms.RadioSelect
    )
    child = forms.ModelChoiceField(label=_("Barn"), queryset=None, required=False)
    topic = forms.CharField(label=_("Det ønskes drøftet"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, children: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children


class GuardianConsentForm(DkfdsForm):
    """What a consent covers: discussion with named professions, a referral, or a partner.
    The choices are the child's own open referrals and the partners invited to the child."""

    scope = forms.ChoiceField(
        label=_("Samtykket gælder"),
        choices=DiscussionConsent.Scope.choices,
        widget=forms.RadioSelect,
    )
    professions = forms.MultipleChoiceField(
        label=_("Barnet må drøftes med"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Ved drøftelse. Psykologer er autoriserede sundhedspersoner: samtykket skal nævne dem."
        ),
    )
    referral = forms.ModelChoiceField(
        label=_("Indstilling"), queryset=None, required=False, help_text=_("Ved indstilling.")
    )
    partner = forms.ModelChoiceField(
        label=_("Samarbejdspartner"),
        queryset=None,
        required=False,
        help_text=_("Ved en navngiven samarbejdspartner."),
    )

    def __init__(
        self,
        *args: Any,
        child: Child,
        referrals: QuerySet[Referral] | None = None,
        **kwargs: Any,
    ) -> None:
        """`referrals`: the referrals the person recording may see (staff); a guardian is
        offered the child's own."""
        super().__init__(*args, **kwargs)
        open_referrals = child.referrals.filter(status__in=Referral.OPEN_STATUSES)
        if referrals is not None:
            open_referrals = open_referrals.filter(pk__in=referrals.values("pk"))
        self.fields["referral"].queryset = open_referrals
        self.fields["referral"].label_from_instance = lambda referral: (
            f"{referral.get_offer_display()} ({short_date(timezone.localdate(referral.created_at))})"
        )
        self.fields["partner"].queryset = User.objects.filter(
            invitations__child=child, role=Role.PARTNER
        ).distinct()
        self.fields["partner"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_profession_display()})"
        )


class ConsentForm(GuardianConsentForm):
    """Staff record a consent from a paper form or a conversation."""

    given_by = forms.CharField(
        label=_("Givet af"), max_length=200, help_text=_("Navnet på forælderen.")
    )
    given_on = forms.DateField(label=_("Givet den"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class MinutesForm(VersionedEdit, DkfdsForm):
    minutes = forms.CharField(
        label=_("Referat"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    # The version of the minutes the writer started from (0: none yet): a save on top of a
    # version someone else saved meanwhile is refused, not made current unseen; one that does
    # not say which it started from is refused too (the first minutes included: two writers
    # may start on none at once).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, version: int, **kwargs: Any) -> None:
        """`version`: the number of the minutes saved now (0: none yet)."""
        super().__init__(*args, **kwargs)
        self.expect_version(version)


class RecommendationForm(DkfdsForm):
    text = forms.CharField(label=_("Anbefaling"), widget=forms.Textarea(attrs={"rows": 2}))


class MeetingFilterForm(ListFilterForm):
    """The consultative meetings' filters (GET): coming or held, institution (for those who see
    more than one) and a period."""

    when = forms.ChoiceField(
        label=_("Møder"),
        required=False,
        choices=[("", _("Alle")), ("upcoming", _("Kommende")), ("past", _("Afholdte"))],
    )
    institution = institution_field()
    date_from, date_to = period_fields(_("Fra dato"), _("Til dato"))
    lookups = {"institution": "institution", "date_from": "date__gte", "date_to": "date__lte"}

    def filter_when(self, meetings, value):
        today = timezone.localdate()
        return (
            meetings.filter(date__gte=today)
            if value == "upcoming"
            else meetings.filter(date__lt=today)
        )


MEETING_COLUMNS = [
    Column("date", _("Dato"), ("-date",)),
    Column("institution", _("Institution"), ("institution__name",)),
    Column(
        "pedagogue",
        _("Ressourcepædagog"),
        ("resource_pedagogue__first_name", "resource_pedagogue__last_name"),
    ),
]
