"""Table 3 of the evaluation and the course figures it could not produce: children reached
(distinct and with repeats, role models apart), cancellations by cause, duration and effect."""

import statistics
from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.courses.models import Course, EffectMeasure, Participant, Session
from inklusio.organisation.models import Municipality
from inklusio.reports.registry import Table, statistics_table, years_in


def _courses(municipality: Municipality, institutions):
    courses = Course.objects.filter(municipality=municipality)
    return courses.filter(institution__in=institutions) if institutions else courses


def _in_municipality(rows, municipality: Municipality, institutions, course: str):
    """Participants, sessions or measures of the municipality's courses, filtered on their own
    indexed `municipality_id` (not through a `course__in` subquery, whose cost grows with every
    municipality's courses); the institution filter, when chosen, goes through the course."""
    rows = rows.filter(municipality=municipality)
    return rows.filter(**{f"{course}__institution__in": institutions}) if institutions else rows


@statistics_table("courses-by-type", title=_lazy("Ressourceforløb pr. år efter type"))
def courses_by_type(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Table 3: courses per year they started, by type; reflection and action learning together."""
    counts: dict[int, Counter] = defaultdict(Counter)
    grouped = (
        _courses(municipality, institutions)
        .annotate(year=ExtractYear("start"))
        .values_list("year", "kind")
        .annotate(n=Count("pk"))
    )
    for year, kind, n in grouped:
        counts[year]["staff" if kind in Course.STAFF_KINDS else kind] += n
    rows = []
    for year in years_in(list(counts), year_from, year_to):
        c = counts[year]
        group, individual, staff = c[Course.Kind.GROUP], c[Course.Kind.INDIVIDUAL], c["staff"]
        rows.append([str(year), group, individual, staff, group + individual + staff])
    return Table(
        title=_("Ressourceforløb pr. år efter type"),
        columns=[
            _("År"),
            _("Gruppeforløb"),
            _("Individuelt forløb"),
            _("Refleksions-/aktionslæringsforløb"),
            _("I alt"),
        ],
        rows=rows,
    )


@statistics_table("children-reached", title=_lazy("Børn nået af ressourceforløb"))
def children_reached(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Children in vulnerable positions in courses started each year: distinct children and
    participations (a child in two courses counts twice there); role models apart."""
    participations = (
        _in_municipality(Participant.objects, municipality, institutions, "course")
        .filter(child__isnull=False)
        .annotate(year=ExtractYear("course__start"))
        .values_list("year", "role")
        .annotate(children=Count("child", distinct=True), participations=Count("pk"))
    )
    found: dict[tuple[int, str], tuple[int, int]] = {
        (year, role): (children, total) for year, role, children, total in participations
    }
    rows = []
    for year in years_in([year for year, _role in found], year_from, year_to):
        children, total = found.get((year, Participant.Role.CASE), (0, 0))
        role_models, _repeats = found.get((year, Participant.Role.ROLE_MODEL), (0, 0))
        rows.append([str(year), children, total, role_models])
    return Table(
        title=_("Børn nået af ressourceforløb"),
        columns=[
            _("År"),
            _("Børn (forskellige)"),
            _("Deltagelser"),
            _("Rollemodeller (forskellige)"),
        ],
        rows=rows,
        child_columns=frozenset({1, 2, 3}),
        note=_(
            "Børn i udsat position tælles én gang pr. år, også når de har deltaget i flere forløb."
        ),
    )


@statistics_table("cancellations", title=_lazy("Samlinger og aflysninger"))
def cancellations(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Sessions held and cancelled per year, and the causes of cancellations."""
    causes = list(Session.Cause.values)
    counts: dict[int, Counter] = defaultdict(Counter)
    grouped = (
        _in_municipality(Session.objects, municipality, institutions, "course")
        .exclude(status=Session.Status.PLANNED)
        .annotate(year=ExtractYear("date"))
        .values_list("year", "status", "cause")
        .annotate(n=Count("pk"))
    )
    for year, status, cause, n in grouped:
        counts[year][status] += n
        if status == Session.Status.CANCELLED:
            counts[year][cause] += n
    rows = []
    for year in years_in(list(counts), year_from, year_to):
        c = counts[year]
        held, cancelled = c[Session.Status.HELD], c[Session.Status.CANCELLED]
        rate = round(100 * cancelled / (held + cancelled), 1) if held + cancelled else 0
        rows.append(
            [str(year), held + cancelled, held, cancelled, rate, *[c[cause] for cause in causes]]
        )
    return Table(
        title=_("Samlinger og aflysninger"),
        columns=[
            _("År"),
            _("Planlagt"),
            _("Holdt"),
            _("Aflyst"),
            _("Aflyst %"),
            *[str(label) for label in Session.Cause.labels],
        ],
        rows=rows,
        chart_columns=(2, 3),
    )


@statistics_table("course-duration", title=_lazy("Forløbenes varighed (uger)"))
def course_duration(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """How long closed courses lasted, in weeks, by the year they started: median and quartiles."""
    weeks: dict[int, list[float]] = defaultdict(list)
    closed = (
        _courses(municipality, institutions)
        .filter(closed_on__isnull=False)
        .values_list("start", "closed_on")
    )
    for start, closed_on in closed:
        weeks[start.year].append((closed_on - start).days / 7)
    rows = []
    for year in years_in(list(weeks), year_from, year_to):
        values = sorted(weeks.get(year, []))
        if len(values) >= 2:
            q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        elif values:
            q1 = median = q3 = values[0]
        else:
            rows.append([str(year), 0, None, None, None])
            continue
        rows.append([str(year), len(values), round(q1, 1), round(median, 1), round(q3, 1)])
    return Table(
        title=_("Forløbenes varighed (uger)"),
        columns=[_("År"), _("Afsluttede forløb"), _("1. kvartil"), _("Median"), _("3. kvartil")],
        rows=rows,
        derived_columns=frozenset({2, 3, 4}),
        derived_from=1,
        chart_columns=(2, 3, 4),
    )


@statistics_table(
    "effect-measures", title=_lazy("Effektmål: gennemsnitlig ændring fra start til slut")
)
def effect_measures(
    municipality: Municipality, *, year_from=None, year_to=None, institutions=None
) -> Table:
    """Effect measures before and after, by course type: children assessed at both ends and the
    average change on each dimension (scale 1–5)."""
    measures = _in_municipality(
        EffectMeasure.objects, municipality, institutions, "participant__course"
    )
    if year_from is not None:
        measures = measures.filter(participant__course__start__year__gte=year_from)
    if year_to is not None:
        measures = measures.filter(participant__course__start__year__lte=year_to)
    by_participant: dict[int, dict] = defaultdict(dict)
    kinds: dict[int, str] = {}
    for participant_id, kind, phase, *scores in measures.values_list(
        "participant_id", "participant__course__kind", "phase", *EffectMeasure.DIMENSIONS
    ):
        by_participant[participant_id][phase] = scores
        kinds[participant_id] = kind
    changes: dict[str, list[list[int]]] = defaultdict(list)
    for participant_id, phases in by_participant.items():
        if "start" in phases and "end" in phases:
            changes[kinds[participant_id]].append(
                [e - s for s, e in zip(phases["start"], phases["end"], strict=True)]
            )
    rows = []
    for kind, label in Course.Kind.choices:
        found = changes.get(kind, [])
        means = [
            round(sum(c[i] for c in found) / len(found), 2) if found else None for i in range(4)
        ]
        rows.append([str(label), len(found), *means])
    return Table(
        title=_("Effektmål: gennemsnitlig ændring fra start til slut"),
        columns=[
            _("Forløbstype"),
            _("Børn vurderet ved start og slut"),
            _("Deltagelse"),
            _("Leg og venskaber"),
            _("Konflikter"),
            _("Trivsel"),
        ],
        rows=rows,
        child_columns=frozenset({1}),
        derived_columns=frozenset({2, 3, 4, 5}),
        derived_from=1,
        chart_columns=(2, 3, 4, 5),
    )
