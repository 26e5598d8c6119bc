"""The evaluation's tables 1, 2, 4 and 5 from the visitation records."""

from collections import Counter

from django.db.models import Q

from inklusio.children.models import DifficultyCategory
from inklusio.organisation.models import Municipality
from inklusio.referrals.models import Decision, Offer, Referral, VisitationPeriod
from inklusio.reports.registry import Table, statistics_table


def _periods(municipality: Municipality, year_from: int | None, year_to: int | None):
    periods = VisitationPeriod.objects.filter(municipality=municipality).order_by("start")
    if year_from is not None:
        periods = periods.filter(start__year__gte=year_from)
    if year_to is not None:
        periods = periods.filter(start__year__lte=year_to)
    return list(periods)


def support_grants(municipality: Municipality):
    """Support-pedagogue grants that held a place: the same rule as the capacity check."""
    return Decision.objects.filter(
        municipality=municipality, offer=Offer.SUPPORT_PEDAGOGUE, outcome__in=Decision.GRANTING
    ).exclude(superseded_by__kind=Decision.Kind.WITHDRAWAL)


@statistics_table("support-categories")
def support_categories(municipality: Municipality, *, year_from=None, year_to=None) -> Table:
    """Tables 4–5: prominent difficulty of the children granted a support pedagogue, per period
    (each child once per period, with the category of its latest grant in the period)."""
    periods = _periods(municipality, year_from, year_to)
    latest: dict[tuple[int, int], str] = {}
    grants = support_grants(municipality).filter(period__in=periods).order_by("decided_on", "pk")
    for period_id, child_id, category in grants.values_list("period_id", "child_id", "category"):
        latest[period_id, child_id] = category
    rows = []
    for period in periods:
        counts = Counter(category for (pid, _child), category in latest.items() if pid == period.pk)
        figures = [counts[value] for value in DifficultyCategory.values]
        rows.append([period.label, *figures, sum(counts.values())])
    return Table(
        title="Mest fremtrædende vanskelighed blandt børn visiteret støttepædagog",
        columns=["Periode", *[str(label) for label in DifficultyCategory.labels], "I alt"],
        rows=rows,
    )


@statistics_table("referrals")
def referrals(municipality: Municipality, *, year_from=None, year_to=None) -> Table:
    """Tables 1–2: referrals to a support pedagogue submitted in each period, and the children
    granted one, refused, or offered something else."""
    rows = []
    for period in _periods(municipality, year_from, year_to):
        submitted = Referral.objects.filter(
            municipality=municipality,
            offer=Offer.SUPPORT_PEDAGOGUE,
            submitted_at__date__gte=period.start,
            submitted_at__date__lte=period.end,
        ).count()
        granted = (
            support_grants(municipality).filter(period=period).values("child").distinct().count()
        )
        decided_in_period = Decision.objects.filter(
            Q(meeting__period=period)
            | Q(meeting__isnull=True, decided_on__range=(period.start, period.end)),
            municipality=municipality,
            offer=Offer.SUPPORT_PEDAGOGUE,
            kind=Decision.Kind.INITIAL,
        )
        refused = decided_in_period.filter(outcome=Decision.Outcome.REFUSED).count()
        alternative = decided_in_period.filter(outcome=Decision.Outcome.ALTERNATIVE).count()
        rows.append([period.label, submitted, granted, refused, alternative])
    return Table(
        title="Indstillinger og visitationer til støttepædagog",
        columns=["Periode", "Indstillinger", "Visiteret", "Afslag", "Andet tilbud"],
        rows=rows,
    )
