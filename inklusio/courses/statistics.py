"""Table 3 of the evaluation and the course figures it could not produce: children reached
(distinct and with repeats, role models apart), cancellations by cause, duration and effect."""

import statistics
from collections import Counter, defaultdict

from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from inklusio.courses.models import Course, EffectMeasure, Participant, Session
from inklusio.organisation.models import Municipality
from inklusio.reports.registry import Table, register_table, years_in


def _courses(municipality: Municipality, institutions):
    courses = Course.objects.filter(municipality=municipality)
    return courses.filter(institution__in=institutions) if institutions else courses


def _in_municipality(rows, municipality: Municipality, institutions, course: str):
    """Participants, sessions or measures of the municipality's courses, filtered on their own
    indexed `municipality_id` (not through a `course__in` subquery, whose cost grows with every
    municipality's courses); the institution filter, when chosen, goes through the course."""
    rows = rows.filter(municipality=municipality)
    return rows.filter(**{f"{course}__institution__in": institutions}) if institutions else rows


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


register_table(
    "courses-by-type",
    title=_lazy("Ressourceforløb pr. år efter type"),
    function=courses_by_type,
)


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


register_table(
    "children-reached",
    title=_lazy("Børn nået af ressourceforløb"),
    function=children_reached,
)


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


register_table("cancellations", title=_lazy("Samlinger og aflysninger"), function=cancellations)


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


register_table(
    "course-duration",
    title=_lazy("Forløbenes varighed (uger)"),
    function=course_duration,
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
    # Summed by the database: each end measure joined to the same child's start measure (one
    # per participant and phase), so only the few course types come back, not every measure.
    dimensions = EffectMeasure.DIMENSIONS
    # The participants by their own municipality too: joined only through the measures, the
    # planner reads every municipality's participants to find the few it needs.
    summed = (
        measures.filter(phase=EffectMeasure.Phase.END, participant__municipality=municipality)
        .annotate(
            start=FilteredRelation(
                "participant__measures",
                condition=Q(participant__measures__phase=EffectMeasure.Phase.START),
            )
        )
        .filter(start__isnull=False)
        .values("participant__course__kind")
        .annotate(
            children=Count("pk"),
            **{f"change_{name}": Sum(F(name) - F(f"start__{name}")) for name in dimensions},
        )
        .order_by()
    )
    changes = {row["participant__course__kind"]: row for row in summed}
    rows = []
    for kind, label in Course.Kind.choices:
        found = changes.get(kind)
        children = found["children"] if found else 0
        means = [
            round(found[f"change_{name}"] / children, 2) if found else None for name in dimensions
        ]
        rows.append([str(label), children, *means])
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


register_table(
    "effect-measures",
    title=_lazy("Effektmål: gennemsnitlig ændring fra start til slut"),
    function=effect_measures,
)
