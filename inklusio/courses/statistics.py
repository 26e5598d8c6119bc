"""Table 3 of the evaluation and the course figures it could not produce: children reached
(distinct and with repeats, role models apart) and cancellations by cause."""

from collections import Counter, defaultdict

from django.db.models.functions import ExtractYear

from inklusio.courses.models import Course, Participant, Session
from inklusio.organisation.models import Municipality
from inklusio.reports.registry import Table, statistics_table


def _years(rows: dict, year_from: int | None, year_to: int | None) -> list[int]:
    """Years with records; with a range asked for, every year in it (a quiet year shows as 0)."""
    if year_from is not None and year_to is not None:
        return list(range(year_from, year_to + 1))
    return [
        year
        for year in sorted(rows)
        if (year_from is None or year >= year_from) and (year_to is None or year <= year_to)
    ]


def _courses(municipality: Municipality):
    return Course.objects.filter(municipality=municipality)


@statistics_table("courses-by-type")
def courses_by_type(municipality: Municipality, *, year_from=None, year_to=None) -> Table:
    """Table 3: courses per year they started, by type; reflection and action learning together."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for year, kind in (
        _courses(municipality).annotate(year=ExtractYear("start")).values_list("year", "kind")
    ):
        column = "staff" if kind in Course.STAFF_KINDS else kind
        counts[year][column] += 1
    rows = []
    for year in _years(counts, year_from, year_to):
        c = counts.get(year, Counter())
        group, individual, staff = c[Course.Kind.GROUP], c[Course.Kind.INDIVIDUAL], c["staff"]
        rows.append([str(year), group, individual, staff, group + individual + staff])
    return Table(
        title="Ressourceforløb pr. år efter type",
        columns=[
            "År",
            "Gruppeforløb",
            "Individuelt forløb",
            "Refleksions-/aktionslæringsforløb",
            "I alt",
        ],
        rows=rows,
    )


@statistics_table("children-reached")
def children_reached(municipality: Municipality, *, year_from=None, year_to=None) -> Table:
    """Children in vulnerable positions in courses started each year: distinct children and
    participations (a child in two courses counts twice there); role models apart."""
    participations = Participant.objects.filter(
        course__municipality=municipality, child__isnull=False
    ).annotate(year=ExtractYear("course__start"))
    cases: dict[int, list[int]] = defaultdict(list)
    role_models: dict[int, set[int]] = defaultdict(set)
    for year, child_id, role in participations.values_list("year", "child_id", "role"):
        if role == Participant.Role.CASE:
            cases[year].append(child_id)
        else:
            role_models[year].add(child_id)
    rows = [
        [
            str(year),
            len(set(cases.get(year, []))),
            len(cases.get(year, [])),
            len(role_models.get(year, set())),
        ]
        for year in _years({**cases, **role_models}, year_from, year_to)
    ]
    return Table(
        title="Børn nået af ressourceforløb",
        columns=["År", "Børn (forskellige)", "Deltagelser", "Rollemodeller (forskellige)"],
        rows=rows,
    )


@statistics_table("cancellations")
def cancellations(municipality: Municipality, *, year_from=None, year_to=None) -> Table:
    """Sessions held and cancelled per year, and the causes of cancellations."""
    causes = [value for value, _label in Session.Cause.choices]
    counts: dict[int, Counter] = defaultdict(Counter)
    sessions = Session.objects.filter(course__municipality=municipality).exclude(
        status=Session.Status.PLANNED
    )
    for year, status, cause in sessions.annotate(year=ExtractYear("date")).values_list(
        "year", "status", "cause"
    ):
        counts[year][status] += 1
        if status == Session.Status.CANCELLED:
            counts[year][cause] += 1
    rows = []
    for year in _years(counts, year_from, year_to):
        c = counts.get(year, Counter())
        total = c[Session.Status.HELD] + c[Session.Status.CANCELLED]
        rate = round(100 * c[Session.Status.CANCELLED] / total, 1) if total else 0
        rows.append(
            [
                str(year),
                total,
                c[Session.Status.HELD],
                c[Session.Status.CANCELLED],
                rate,
                *[c[x] for x in causes],
            ]
        )
    return Table(
        title="Samlinger og aflysninger",
        columns=[
            "År",
            "Planlagt",
            "Holdt",
            "Aflyst",
            "Aflyst %",
            *[str(label) for label in Session.Cause.labels],
        ],
        rows=rows,
    )
