"""The per-case need-to-know sets are read once per page (issue 14): within a GET request the
same answers as without, the rule's subqueries run once; outside one (services, POSTs) every
question reads the relations afresh, so an access that ends mid-way ends at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inklusio import access
from inklusio.people.models import PedagogueAttachment
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def rule_runs(queries) -> int:
    """Queries that evaluate the per-case rule for children (the courses' participants and the
    consultative meetings' agenda items, asked of the children table; the today panel's sessions
    query joins the participants without being the rule)."""
    return sum(
        "courses_participant" in query["sql"]
        and "meetings_agendaitem" in query["sql"]
        and '"children_child"' in query["sql"]
        for query in queries.captured_queries
    )


def test_within_a_page_the_same_children_and_plans_from_one_read(cast):
    for user in (cast.bob, cast.cora):
        children = set(access.children_visible_to(user))
        plans = set(access.plans_visible_to(user))
        with access.sets_read_once(), CaptureQueriesContext(connection) as queries:
            assert set(access.children_visible_to(user)) == children
            assert set(access.children_visible_to(user).in_daycare()) == {
                child for child in children if child.left_on is None
            }
            assert access.can_view_child(user, cast.mia) == (cast.mia in children)
            assert set(access.plans_visible_to(user)) == plans
            assert set(access.plans_visible_to(user)) == plans
        assert cast.mia in children
        # The plans' rule starts from the children read already.
        assert rule_runs(queries) == 1


def test_outside_a_page_an_ended_attachment_ends_access_at_once(cast):
    assert access.can_view_child(cast.bob, cast.mia)
    PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=TODAY)
    assert not access.can_view_child(cast.bob, cast.mia)


def test_only_get_and_head_requests_keep_the_sets(rf):
    """A POST may change what the user sees (a course joined, a plan made): no sets kept."""
    seen = {}

    def view(request):
        seen[request.method] = access._request_sets.get() is not None
        return None

    middleware = access.ReadOnceMiddleware(view)
    for method in ("get", "head", "post"):
        middleware(getattr(rf, method)("/"))
    assert seen == {"GET": True, "HEAD": True, "POST": False}
    assert access._request_sets.get() is None


def test_the_pedagogues_start_page_reads_the_rule_once_per_set(cast, client_for):
    client = client_for(cast.bob)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("start"))
    assert response.status_code == 200
    assert rule_runs(queries) == 1


def overdue_readings(queries) -> int:
    """The overdue follow-ups' first question: which follow-up intervals the plans use."""
    return sum(
        'DISTINCT "plans_actionplan"."follow_up_weeks"' in query["sql"]
        for query in queries.captured_queries
    )


@pytest.mark.parametrize("role", ["alice", "cora", "bob"])
def test_the_start_page_reads_the_overdue_follow_ups_once_for_both_panels(cast, client_for, role):
    """The plans panel and the today list show the same overdue follow-ups."""
    client = client_for(getattr(cast, role))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("start"))
    assert response.status_code == 200
    assert overdue_readings(queries) == 1


def test_outside_a_page_each_reading_is_read_afresh(cast):
    from inklusio.plans.selectors import overdue_follow_ups

    with CaptureQueriesContext(connection) as queries:
        overdue_follow_ups(cast.bob, log=False)
        overdue_follow_ups(cast.bob, log=False)
    assert overdue_readings(queries) == 2


def test_within_a_page_questions_about_a_read_set_ask_no_query(cast):
    """Whether a child or plan is in a set read already, and whether the set is empty, are
    answered from its ids; the answers are those asked of the database outside a page."""

    def answers(user):
        return (
            access.can_view_child(user, cast.mia),
            access.can_view_plan(user, cast.plan_mia),
            access.can_message_on_plan(user, cast.plan_mia),
            access.can_use_messages(user),
        )

    seen = set()
    for user in (cast.bob, cast.gert, cast.sara, cast.pia, cast.carl):
        outside = answers(user)
        seen.add(outside)
        with access.sets_read_once():
            access.children_visible_to(user).count()
            access.plans_for_messages(user).count()
            with CaptureQueriesContext(connection) as queries:
                assert answers(user) == outside, user.username
        assert queries.captured_queries == [], user.username
    assert (True, True, True, True) in seen and (False, False, False, False) in seen


def test_within_a_page_a_question_asked_again_gives_its_first_answer(cast):
    """The menu, the view and the template ask the same questions; within a page each is asked
    of the database once, per user and object."""
    with access.sets_read_once(), CaptureQueriesContext(connection) as queries:
        assert access.can_view_child(cast.alice, cast.mia)
        assert access.can_view_child(cast.alice, cast.mia)
        assert not access.can_view_child(cast.alice, cast.xenia)
    assert len(queries.captured_queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert access.can_view_child(cast.alice, cast.mia)
        assert access.can_view_child(cast.alice, cast.mia)
    assert len(queries.captured_queries) == 2


def test_outside_a_page_an_answer_follows_the_relation_at_once(cast):
    """A POST or a service asks afresh: the attachment ended between two questions ends the
    access at the second."""
    course = cast.course_boegely
    assert access.can_work_on_course(cast.bob, course)
    PedagogueAttachment.objects.filter(pedagogue=cast.bob).update(ended_on=TODAY)
    assert not access.can_work_on_course(cast.bob, course)


def test_the_administrators_child_page_asks_once_whether_the_child_is_visible(cast, client_for):
    client = client_for(cast.alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(cast.mia.get_absolute_url())
    assert response.status_code == 200
    visible_questions = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT 1 AS "a" FROM "children_child"')
    ]
    assert len(visible_questions) == 1
