"""Plans with overdue follow-ups, by institution (the evaluation: plans silently ignored)."""

import datetime
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.organisation.models import Municipality
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.plans.rules import follow_up_due
from inklusio.reports.registry import Table, register_table


def plans_follow_up(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Open plans per institution today, and how many have passed their follow-up date."""
    plans = ActionPlan.objects.filter(municipality=municipality).exclude(
        status=ActionPlan.Status.CLOSED
    )
    if institutions:
        plans = plans.filter(institution__in=institutions)
    rows_found = list(plans.values_list("pk", "institution__name", "created_at", "follow_up_weeks"))
    last_held: dict[int, datetime.date] = {}
    for plan_id, day in PlanMeeting.objects.filter(plan__in=plans, held=True).values_list(
        "plan_id", "date"
    ):
        last_held[plan_id] = max(day, last_held.get(plan_id, day))
    today = timezone.localdate()
    open_plans, overdue = Counter(), Counter()
    for plan_id, institution, created_at, weeks in rows_found:
        open_plans[institution] += 1
        overdue[institution] += follow_up_due(created_at, weeks, last_held.get(plan_id)) < today
    rows = [[name, open_plans[name], overdue[name]] for name in sorted(open_plans)]
    return Table(
        title=_("Handleplaner og opfølgning"),
        columns=[_("Institution"), _("Igangværende planer"), _("Opfølgning overskredet")],
        rows=rows,
        child_columns=frozenset({1, 2}),
        note=_("Opgjort i dag; periodevalget har ingen betydning for denne tabel."),
    )


register_table(
    "plans-follow-up",
    title=_lazy("Handleplaner og opfølgning"),
    function=plans_follow_up,
)
