"""The course statistics read sessions, participants and effect measures by their own
municipality (not through a subquery over every course): two municipalities, each with its own
courses, each sees exactly its own figures, and the institution filter still narrows them."""

import datetime

import pytest

from inklusio.children.models import Child
from inklusio.courses.models import Course, EffectMeasure, Participant, Session
from inklusio.reports.registry import build_table
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db

YEAR = TODAY.year - 1


def _course(municipality, institution, pedagogue, *, held, cancelled, scores, kind="group"):
    """A course started in YEAR with one child per entry of `scores` ((start, end) per child,
    the same on all four dimensions), `held` sessions held and `cancelled` cancelled for illness."""
    course = Course.objects.create(
        municipality=municipality,
        institution=institution,
        kind=kind,
        title="Forløb",
        goals="-",
        start=datetime.date(YEAR, 3, 1),
        planned_end=datetime.date(YEAR, 9, 1),
        pedagogue=pedagogue,
        created_by=pedagogue,
    )
    for start, end in scores:
        serial = Child.objects.count()  # a CPR-shaped number of its own per child, born 2021
        child = make_child(
            municipality, institution, f"B{serial}", f"{1 + serial % 28:02d}0121{serial:04d}"
        )
        participant = Participant.objects.create(
            municipality=municipality, course=course, child=child, role="case"
        )
        for phase, value in (("start", start), ("end", end)):
            EffectMeasure.objects.create(
                municipality=municipality,
                participant=participant,
                phase=phase,
                participation=value,
                play=value,
                conflicts=value,
                wellbeing=value,
                assessed_by=pedagogue,
            )
    for day in range(held + cancelled):
        Session.objects.create(
            municipality=municipality,
            course=course,
            date=datetime.date(YEAR, 4, 1 + day),
            status=Session.Status.HELD if day < held else Session.Status.CANCELLED,
            cause="" if day < held else Session.Cause.ILLNESS,
        )
    return course


@pytest.fixture
def two_municipalities(cast):
    from inklusio.people.models import Role
    from tests.conftest import make_user

    _course(cast.ishoj, cast.boegely, cast.bob, held=3, cancelled=1, scores=[(1, 3), (2, 3)])
    _course(cast.ishoj, cast.elverhoej, cast.bob, held=1, cancelled=0, scores=[(2, 2)])
    dragoer_pedagogue = make_user("dan", cast.dragoer, Role.PEDAGOGUE)
    _course(cast.dragoer, cast.soestjernen, dragoer_pedagogue, held=2, cancelled=5, scores=[(5, 1)])
    return cast


def _row(table, label):
    [row] = [row for row in table.rows if row[0] == label]
    return row


def test_cancellations_are_counted_per_municipality(two_municipalities):
    cast = two_municipalities
    illness = 5 + list(Session.Cause.values).index(Session.Cause.ILLNESS)
    ishoj = _row(build_table("cancellations", cast.ishoj), str(YEAR))
    assert ishoj[1:5] == [5, 4, 1, 20.0] and ishoj[illness] == 1
    dragoer = _row(build_table("cancellations", cast.dragoer), str(YEAR))
    assert dragoer[1:5] == [7, 2, 5, 71.4] and dragoer[illness] == 5
    boegely = build_table("cancellations", cast.ishoj, institutions=[cast.boegely])
    assert _row(boegely, str(YEAR))[1:5] == [4, 3, 1, 25.0]


def test_effect_measures_are_averaged_per_municipality(two_municipalities):
    cast = two_municipalities
    group = str(Course.Kind.GROUP.label)
    # Ishøj: +2, +1 and 0 → 3 children, mean +1; Dragør: one child, −4.
    assert _row(build_table("effect-measures", cast.ishoj), group)[1:] == [3, 1.0, 1.0, 1.0, 1.0]
    assert _row(build_table("effect-measures", cast.dragoer), group)[1:] == [
        1,
        -4.0,
        -4.0,
        -4.0,
        -4.0,
    ]
    boegely = build_table("effect-measures", cast.ishoj, institutions=[cast.boegely])
    assert _row(boegely, group)[1:] == [2, 1.5, 1.5, 1.5, 1.5]


def test_children_reached_are_counted_per_municipality(two_municipalities):
    cast = two_municipalities
    assert _row(build_table("children-reached", cast.ishoj), str(YEAR))[1:3] == [3, 3]
    assert _row(build_table("children-reached", cast.dragoer), str(YEAR))[1:3] == [1, 1]
    elverhoej = build_table("children-reached", cast.ishoj, institutions=[cast.elverhoej])
    assert _row(elverhoej, str(YEAR))[1:3] == [1, 1]
