"""The integrations' course list (/api/courses): the same answer field by field, read as plain
rows of the answer's own columns, with as many queries for 50 courses as for 5."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inklusio.courses.models import Course, Participant
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


def _course(cast, title: str, **extra) -> Course:
    fields = {
        "municipality": cast.ishoj,
        "institution": cast.elverhoej,
        "kind": Course.Kind.REFLECTION,
        "title": title,
        "goals": "Fælles sprog om leg",
        "start": TODAY - datetime.timedelta(days=120),
        "planned_end": TODAY - datetime.timedelta(days=10),
        "pedagogue": cast.bob,
        "created_by": cast.bob,
    }
    return Course.objects.create(**(fields | extra))


def test_every_course_is_answered_field_by_field(cast, client_for):
    """Alice sees Bøgely's group course (Mia a case) and Elverhøj's closed course with a case
    and a role model; newest start first."""
    closed = _course(cast, "Refleksion", closed_on=TODAY - datetime.timedelta(days=5))
    Participant.objects.create(
        municipality=cast.ishoj, course=closed, child=cast.emil, role=Participant.Role.CASE
    )
    model = make_child(cast.ishoj, cast.elverhoej, "Ida", "0102224001")
    Participant.objects.create(
        municipality=cast.ishoj, course=closed, child=model, role=Participant.Role.ROLE_MODEL
    )
    answer = client_for(cast.alice).get(reverse("api:list_courses")).json()
    course = cast.course_boegely
    assert answer == [
        {
            "id": str(course.public_id),
            "title": "Legegruppe",
            "kind": "group",
            "institution": "Bøgely",
            "start": course.start.isoformat(),
            "planned_end": course.planned_end.isoformat(),
            "closed_on": None,
            "children": 1,
            "role_models": 0,
        },
        {
            "id": str(closed.public_id),
            "title": "Refleksion",
            "kind": "reflection",
            "institution": "Elverhøj",
            "start": closed.start.isoformat(),
            "planned_end": closed.planned_end.isoformat(),
            "closed_on": closed.closed_on.isoformat(),
            "children": 1,
            "role_models": 1,
        },
    ]


def _measured(client, url: str = "") -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url or reverse("api:list_courses"))
    assert response.status_code == 200
    return len(queries), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_50_courses_cost_the_queries_of_5_and_read_only_the_answers_columns(cast, client_for, who):
    client = client_for(getattr(cast, who))
    client.get(reverse("api:list_courses"))  # the session and the user, once
    for n in range(4):
        _course(cast, f"Forløb {n}", institution=cast.boegely)
    few, _sql = _measured(client)
    for n in range(4, 49):
        _course(cast, f"Forløb {n}", institution=cast.boegely)
    many, sql = _measured(client)
    assert len(client.get(reverse("api:list_courses")).json()) == 50
    assert few == many
    listing = [query for query in sql if 'FROM "courses_course"' in query and "LIMIT" in query]
    assert len(listing) == 1
    # Neither the pedagogue (a user row) nor the course's free texts are read for the list.
    assert '"people_user"' not in listing[0] and '"goals"' not in listing[0], listing[0]


class TestVersion1:
    """/api/v1/courses: the same, on cursor pages with each course's `updated_at`."""

    def test_every_course_is_answered_field_by_field_page_by_page(self, cast, client_for):
        closed = _course(cast, "Refleksion", closed_on=TODAY - datetime.timedelta(days=5))
        Participant.objects.create(
            municipality=cast.ishoj, course=closed, child=cast.emil, role=Participant.Role.CASE
        )
        client = client_for(cast.alice)
        first = client.get("/api/v1/courses?limit=1").json()
        second = client.get(f"/api/v1/courses?limit=1&cursor={first['next_cursor']}").json()
        assert second["next_cursor"] is None
        course = cast.course_boegely
        items = first["items"] + second["items"]
        # Each course's newest change: here its creation (the JSON keeps milliseconds).
        updated = [datetime.datetime.fromisoformat(item.pop("updated_at")) for item in items]
        for at, shown in zip(updated, [course, closed], strict=True):
            assert abs(at - shown.created_at) < datetime.timedelta(milliseconds=1)
        assert items == [
            {
                "id": str(course.public_id),
                "title": "Legegruppe",
                "kind": "group",
                "institution": str(cast.boegely.public_id),
                "start": course.start.isoformat(),
                "planned_end": course.planned_end.isoformat(),
                "closed_on": None,
                "children": 1,
                "role_models": 0,
                "version": course.version,
            },
            {
                "id": str(closed.public_id),
                "title": "Refleksion",
                "kind": "reflection",
                "institution": str(cast.elverhoej.public_id),
                "start": closed.start.isoformat(),
                "planned_end": closed.planned_end.isoformat(),
                "closed_on": closed.closed_on.isoformat(),
                "children": 1,
                "role_models": 0,
                "version": closed.version,
            },
        ]

    @pytest.mark.parametrize("who", ["alice", "bob"])
    def test_50_courses_cost_the_queries_of_5_and_read_only_the_answers_columns(
        self, cast, client_for, who
    ):
        client = client_for(getattr(cast, who))
        url = "/api/v1/courses?limit=100"
        client.get(url)  # the session and the user, once
        for n in range(4):
            _course(cast, f"Forløb {n}", institution=cast.boegely)
        few, _sql = _measured(client, url)
        for n in range(4, 49):
            _course(cast, f"Forløb {n}", institution=cast.boegely)
        many, sql = _measured(client, url)
        assert len(client.get(url).json()["items"]) == 50
        assert few == many
        listing = [q for q in sql if 'FROM "courses_course"' in q and "LIMIT" in q]
        assert len(listing) == 1
        assert '"people_user"' not in listing[0] and '"goals"' not in listing[0], listing[0]
