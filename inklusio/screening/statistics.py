"""Early detection in figures: the distribution of the screening's lights per room and half
year, and how many children got a follow-up — the measure of preventive work the Ishøj
evaluation could not document."""

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.organisation.models import Municipality
from inklusio.reports.registry import Table, register_table
from inklusio.screening.models import LIGHT_ORDER, Half, Light, ScreeningRating, ScreeningRound


def _worst(wellbeing: str, development: str) -> str:
    return max(wellbeing, development, key=lambda light: LIGHT_ORDER[light])


def screening(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Closed rounds per half year and room: children green, yellow and red (the worse of
    well-being and development), children with a follow-up chosen, children screened."""
    rounds = ScreeningRound.objects.filter(municipality=municipality, closed_on__isnull=False)
    if institutions:
        rounds = rounds.filter(institution__in=institutions)
    if year_from is not None:
        rounds = rounds.filter(year__gte=year_from)
    if year_to is not None:
        rounds = rounds.filter(year__lte=year_to)
    found = list(
        rounds.values_list("pk", "year", "half", "institution__name", "room__name").order_by(
            "year", "half", "institution__name", "room__name"
        )
    )
    counts: dict[int, Counter] = {pk: Counter() for pk, *_rest in found}
    ratings = ScreeningRating.objects.filter(round__in=rounds).values_list(
        "round_id", "wellbeing", "development", "follow_up"
    )
    for round_id, wellbeing, development, follow_up in ratings:
        counts[round_id][_worst(wellbeing, development)] += 1
        counts[round_id]["follow_up"] += bool(follow_up)
        counts[round_id]["total"] += 1
    rows = [
        [
            f"{Half(half).label} {year}",
            institution,
            room,
            counts[pk][Light.GREEN],
            counts[pk][Light.YELLOW],
            counts[pk][Light.RED],
            counts[pk]["follow_up"],
            counts[pk]["total"],
        ]
        for pk, year, half, institution, room in found
    ]
    return Table(
        title=_("Tidlig opsporing: screening pr. stue"),
        columns=[
            _("Halvår"),
            _("Institution"),
            _("Stue"),
            _("Grøn"),
            _("Gul"),
            _("Rød"),
            _("Med opfølgning"),
            _("I alt"),
        ],
        rows=rows,
        child_columns=frozenset({3, 4, 5, 6, 7}),
        chart_columns=(3, 4, 5),
        note=_(
            "Afsluttede screeningsrunder. Et barn tæller med den værste af sine to farver "
            "(trivsel og udvikling). Gule og røde børn, der fik en opfølgning — en handling på "
            "stuen, et punkt på et konsultativt møde eller en indstilling — er det forebyggende "
            "arbejde, som evalueringen ikke kunne dokumentere."
        ),
    )


register_table(
    "screening",
    title=_lazy("Tidlig opsporing: screening pr. stue"),
    function=screening,
)
