"""The corps' hours split between the support and the resource function (Ishøj: 33 % / 67 %)."""

import datetime

from django.db.models import Count, DateField, ExpressionWrapper, F, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.organisation.models import Municipality
from inklusio.planning.models import PlanSlot, WeeklyPlan
from inklusio.planning.problem import HALF_DAY_HOURS, in_corps_q, left_corps_by
from inklusio.reports.registry import Table, register_table, years_in


def _lapsed(slots: QuerySet[PlanSlot]) -> list[tuple[int, str]]:
    """The half-days of `slots` whose visit lapsed as their pedagogue had left the corps
    (`problem.left_corps_by`, as the plan page reads it), as (year of the week's Monday,
    function). The database narrows them to the weeks from the one the pedagogue left in, the
    day is compared here; one query, whatever the number of plans."""
    left = Coalesce(F("pedagogue__deactivated_on"), Value(timezone.localdate()))
    candidates = (
        slots.exclude(in_corps_q("pedagogue__"))
        .annotate(left=left)
        .filter(
            plan__week_start__gt=ExpressionWrapper(
                F("left") - datetime.timedelta(days=7), output_field=DateField()
            )
        )
        .select_related("plan", "pedagogue")
    )
    return [
        (slot.plan.week_start.year, slot.function)
        for slot in candidates
        if left_corps_by(slot.pedagogue, slot.plan.day(slot.day))
    ]


def hours_split(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Scheduled hours in published weekly plans, by function and year, without the visits
    that lapsed as their pedagogue had left the corps (from the day they left, as the plan
    page shows them: `problem.left_corps_by`)."""
    slots = PlanSlot.objects.filter(
        plan__municipality=municipality, plan__status=WeeklyPlan.Status.PUBLISHED
    )
    if institutions:
        slots = slots.filter(institution__in=institutions)
    grouped = (
        slots.annotate(year=ExtractYear("plan__week_start"))
        .values_list("year", "function")
        .annotate(n=Count("pk"))
    )
    half_days: dict[tuple[int, str], int] = {(year, function): n for year, function, n in grouped}
    for year, function in _lapsed(slots):
        half_days[(year, function)] -= 1
    rows = []
    for year in years_in([year for year, _f in half_days], year_from, year_to):
        support = float(half_days.get((year, "support"), 0) * HALF_DAY_HOURS)
        resource = float(half_days.get((year, "resource"), 0) * HALF_DAY_HOURS)
        total = support + resource
        share = round(100 * support / total) if total else 0
        rows.append([str(year), support, resource, share, 100 - share if total else 0])
    return Table(
        title=_("Timer fordelt på støtte- og ressourcefunktion"),
        columns=[_("År"), _("Støttetimer"), _("Ressourcetimer"), _("Støtte %"), _("Ressource %")],
        rows=rows,
        chart_columns=(1, 2),
        note=_(
            "Planlagte timer i offentliggjorte ugeplaner; fravær er ikke trukket fra, men besøg "
            "af en pædagog, der har forladt korpset, tæller ikke fra den dag, pædagogen forlod "
            "det. Ishøjs fordeling er 33 % støtte og 67 % ressource."
        ),
    )


register_table(
    "hours-split",
    title=_lazy("Timer fordelt på støtte- og ressourcefunktion"),
    function=hours_split,
)
