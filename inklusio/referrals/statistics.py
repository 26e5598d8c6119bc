"""The evaluation's tables 1, 2, 4 and 5 and the re-assessments due, from the visitation records."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.children.models import DifficultyCategory
from inklusio.organisation.models import Municipality
from inklusio.referrals.models import Decision, Offer, Referral, VisitationPeriod
from inklusio.referrals.periods import period_start_for
from inklusio.referrals.selectors import (
    REASSESSMENT_NOTICE_DAYS,
    current_grants,
    place_holding_support_grants,
)
from inklusio.reports.registry import Table, register_table


def _periods(municipality: Municipality, year_from: int | None, year_to: int | None):
    periods = VisitationPeriod.objects.filter(municipality=municipality).order_by("start")
    if year_from is not None:
        periods = periods.filter(start__year__gte=year_from)
    if year_to is not None:
        periods = periods.filter(start__year__lte=year_to)
    return list(periods)


def support_grants(municipality: Municipality, institutions=None):
    """The grants the capacity check counts, for one municipality (and institutions)."""
    grants = place_holding_support_grants(municipality)
    return grants.filter(child__institution__in=institutions) if institutions else grants


def support_categories(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Tables 4–5: prominent difficulty of the children granted a support pedagogue, per period
    (each child once per period, with the category of its latest grant in the period)."""
    periods = _periods(municipality, year_from, year_to)
    latest: dict[tuple[int, int], str] = {}
    grants = (
        support_grants(municipality, institutions)
        .filter(period__in=periods)
        .order_by("decided_on", "pk")
    )
    for period_id, child_id, category in grants.values_list("period_id", "child_id", "category"):
        latest[period_id, child_id] = category
    per_period: dict[int, Counter] = defaultdict(Counter)
    for (period_id, _child), category in latest.items():
        per_period[period_id][category] += 1
    rows = []
    for period in periods:
        counts = per_period[period.pk]
        rows.append(
            [
                period.label,
                *[counts[value] for value in DifficultyCategory.values],
                sum(counts.values()),
            ]
        )
    columns = [_("Periode"), *[str(label) for label in DifficultyCategory.labels], _("I alt")]
    return Table(
        title=_("Mest fremtrædende vanskelighed blandt børn visiteret støttepædagog"),
        columns=columns,
        rows=rows,
        child_columns=frozenset(range(1, len(columns))),
    )


register_table(
    "support-categories",
    title=_lazy("Mest fremtrædende vanskelighed blandt børn visiteret støttepædagog"),
    function=support_categories,
)


def referrals(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Tables 1–2: referrals to a support pedagogue submitted in each period, and the children
    granted one, refused, or offered something else."""
    periods = _periods(municipality, year_from, year_to)
    submitted_referrals = Referral.objects.filter(
        municipality=municipality, offer=Offer.SUPPORT_PEDAGOGUE, submitted_at__isnull=False
    )
    initial = Decision.objects.filter(
        municipality=municipality, offer=Offer.SUPPORT_PEDAGOGUE, kind=Decision.Kind.INITIAL
    )
    if institutions:
        submitted_referrals = submitted_referrals.filter(child__institution__in=institutions)
        initial = initial.filter(child__institution__in=institutions)
    submitted = Counter(
        period_start_for(at.date())
        for at in submitted_referrals.values_list("submitted_at", flat=True)
    )
    outcomes = Counter(
        (period_start_for(day), outcome)
        for day, outcome in initial.values_list("decided_on", "outcome")
    )
    granted = dict(
        support_grants(municipality, institutions)
        .values_list("period__start")
        .annotate(children=Count("child", distinct=True))
    )
    rows = [
        [
            period.label,
            submitted[period.start],
            granted.get(period.start, 0),
            outcomes[period.start, Decision.Outcome.REFUSED],
            outcomes[period.start, Decision.Outcome.ALTERNATIVE],
        ]
        for period in periods
    ]
    return Table(
        title=_("Indstillinger og visitationer til støttepædagog"),
        columns=[_("Periode"), _("Indstillinger"), _("Visiteret"), _("Afslag"), _("Andet tilbud")],
        rows=rows,
        child_columns=frozenset({1, 2, 3, 4}),
    )


register_table(
    "referrals",
    title=_lazy("Indstillinger og visitationer til støttepædagog"),
    function=referrals,
)


def reassessments(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Grants and places in force today and their yearly re-assessment: overdue and due soon."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=REASSESSMENT_NOTICE_DAYS)
    grants = current_grants(municipality)
    if institutions:
        grants = grants.filter(child__institution__in=institutions)
    counts = {
        offer: (total, overdue, soon)
        for offer, total, overdue, soon in grants.values_list("offer").annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(reassessment_due__lt=today)),
            soon=Count("pk", filter=Q(reassessment_due__gte=today, reassessment_due__lte=horizon)),
        )
    }
    rows = [
        [str(label), *counts.get(offer, (0, 0, 0))]
        for offer, label in Offer.choices
        if offer != Offer.RESOURCE_COURSE
    ]
    return Table(
        title=_("Revurderinger"),
        columns=[_("Tilbud"), _("Gældende"), _("Overskredet"), _("Inden 60 dage")],
        rows=rows,
        child_columns=frozenset({1, 2, 3}),
        note=_("Opgjort i dag; periodevalget har ingen betydning for denne tabel."),
    )


register_table("reassessments", title=_lazy("Revurderinger"), function=reassessments)
