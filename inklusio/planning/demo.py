"""Demo corps planning: contracts, a few absences and a solved plan for the current week."""

import datetime

from inklusio.planning.models import Absence, Contract, DemandRule
from inklusio.planning.problem import monday_of
from inklusio.planning.services import plan_publish, plan_week


def build(demo) -> None:
    DemandRule.objects.create(municipality=demo.municipality)
    for pedagogue in demo.pedagogues:
        Contract.objects.create(municipality=demo.municipality, pedagogue=pedagogue)
    week = monday_of(demo.today)
    leader = demo.users["demo-korpsleder"]
    Absence.objects.create(
        municipality=demo.municipality,
        pedagogue=demo.pedagogues[3],
        start=week + datetime.timedelta(days=14),
        end=week + datetime.timedelta(days=18),
        kind=Absence.Kind.HOLIDAY,
        created_by=leader,
    )
    Absence.objects.create(
        municipality=demo.municipality,
        pedagogue=demo.pedagogues[5],
        start=week + datetime.timedelta(days=9),
        end=week + datetime.timedelta(days=9),
        part=Absence.Part.MORNING,
        kind=Absence.Kind.COURSE,
        note="Kursus i marte meo",
        created_by=leader,
    )
    current = plan_week(actor=leader, week_start=week, time_limit_s=5)
    plan_publish(actor=leader, plan=current)
    plan_week(actor=leader, week_start=week + datetime.timedelta(days=7), time_limit_s=5)
