"""The corps' hours split between the support and the resource function (Ishøj: 33 % / 67 %)."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.organisation.models import Municipality
from inklusio.planning.models import PlanSlot, WeeklyPlan
from inklusio.planning.problem import HALF_DAY_HOURS
from inklusio.reports.registry import Table, register_table, years_in


def hours_split(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Scheduled hours in published weekly plans, by function and year."""
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
            "Planlagte timer i offentliggjorte ugeplaner; fravær er ikke trukket fra. Ishøjs "
            "fordeling er 33 % støtte og 67 % ressource."
        ),
    )


register_table(
    "hours-split",
    title=_lazy("Timer fordelt på støtte- og ressourcefunktion"),
    function=hours_split,
)
