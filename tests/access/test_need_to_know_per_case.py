"""Need-to-know per case, not per institution (issue 13, item 6): pedagogues and the corps
leader see the children of their cases; children who have left daycare become the
administration's alone."""

import datetime

import pytest
from django.urls import reverse

from inklusio.children.models import Child
from inklusio.meetings.models import AgendaItem, ConsultativeMeeting
from inklusio.people.models import PedagogueAttachment, Role
from inklusio.plans.models import PlanMeeting
from tests.conftest import TODAY, make_child, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def noa(cast) -> Child:
    """Noa goes to Bøgely and has no case with the corps."""
    return make_child(cast.ishoj, cast.boegely, "Noa", "0302224127")


@pytest.fixture
def tim(cast):
    """Tim is a resource pedagogue at Bøgely with no case of his own yet."""
    tim = make_user("tim", cast.ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=cast.ishoj,
        pedagogue=tim,
        institution=cast.boegely,
        function=PedagogueAttachment.Function.RESOURCE,
    )
    return tim


def status(client, child) -> int:
    return client.get(reverse("child-detail", args=[child.public_id])).status_code


def listed(client, query="") -> list[str]:
    if query:  # searches are sent by POST and shown under a search token
        response = client.post(reverse("child-list"), {"q": query}, follow=True)
    else:
        response = client.get(reverse("child-list"))
    return [child.first_name for child in response.context["children"]]


class TestPedagogues:
    def test_bob_sees_the_child_of_his_course_and_plan_not_the_whole_institution(
        self, cast, noa, client_for
    ):
        client = client_for(cast.bob)
        assert status(client, cast.mia) == 200
        assert status(client, noa) == 404
        assert "Noa" not in listed(client)
        assert "Noa" not in listed(client, "Noa")

    def test_an_attachment_alone_gives_no_child(self, cast, tim, client_for):
        client = client_for(tim)
        assert status(client, cast.mia) == 404
        assert listed(client) == []
        response = client.post(
            reverse("plan-adjust", args=[cast.plan_mia.public_id]),
            {"reason": "Ny plan", "agreement_text": "Aftale", "agreement_owner": "Tim"},
        )
        assert response.status_code == 404

    def test_a_plan_meeting_gives_the_child_for_the_grace_period(
        self, cast, tim, client_for, settings
    ):
        settings.PLAN_MEETING_ACCESS_DAYS = 30
        cast.plan_meeting.participants.add(tim)
        client = client_for(tim)
        PlanMeeting.objects.filter(pk=cast.plan_meeting.pk).update(
            date=TODAY - datetime.timedelta(days=30)
        )
        assert status(client, cast.mia) == 200
        assert client.get(reverse("plan-detail", args=[cast.plan_mia.public_id])).status_code == 200
        PlanMeeting.objects.filter(pk=cast.plan_meeting.pk).update(
            date=TODAY - datetime.timedelta(days=31)
        )
        assert status(client, cast.mia) == 404
        assert client.get(reverse("plan-detail", args=[cast.plan_mia.public_id])).status_code == 404

    def test_a_consultative_meeting_he_attends_gives_the_children_on_its_agenda(
        self, cast, tim, client_for
    ):
        ConsultativeMeeting.objects.filter(pk=cast.consultative_boegely.pk).update(
            resource_pedagogue=tim
        )
        assert status(client_for(tim), cast.mia) == 200
        AgendaItem.objects.filter(pk=cast.item_mia.pk).delete()
        assert status(client_for(tim), cast.mia) == 404

    def test_a_support_pedagogue_sees_the_children_granted_support(
        self, cast, noa, tim, client_for
    ):
        PedagogueAttachment.objects.filter(pedagogue=tim).update(
            function=PedagogueAttachment.Function.SUPPORT
        )
        client = client_for(tim)
        assert status(client, cast.mia) == 200  # Mia is granted a support pedagogue
        assert status(client, noa) == 404
        cast.decision_mia.ended_on = TODAY
        cast.decision_mia.save()
        assert status(client, cast.mia) == 404


def test_the_corps_leader_sees_the_corps_cases_not_every_child(cast, noa, client_for):
    client = client_for(cast.cora)
    assert status(client, cast.mia) == 200
    assert status(client, noa) == 404
    assert "Noa" not in listed(client)


class TestChildrenWhoHaveLeft:
    def leave(self, child, days_ago):
        Child.objects.filter(pk=child.pk).update(left_on=TODAY - datetime.timedelta(days=days_ago))

    def test_a_child_who_left_long_ago_is_the_administrations_alone(
        self, cast, client_for, settings
    ):
        settings.LEFT_CHILD_ACCESS_DAYS = 90
        self.leave(cast.emil, 91)
        assert status(client_for(cast.carl), cast.emil) == 404
        assert status(client_for(cast.alice), cast.emil) == 200

    def test_a_child_who_left_recently_is_still_readable_by_the_institution(
        self, cast, client_for, settings
    ):
        settings.LEFT_CHILD_ACCESS_DAYS = 90
        self.leave(cast.emil, 90)
        assert status(client_for(cast.carl), cast.emil) == 200

    def test_only_the_administration_finds_children_who_left_by_searching(self, cast, client_for):
        self.leave(cast.emil, 10)
        assert listed(client_for(cast.carl), "Emil") == []
        assert listed(client_for(cast.alice), "Emil") == ["Emil"]
        assert "Emil" not in listed(client_for(cast.alice))  # the everyday list: in daycare only


def test_a_pedagogue_sees_the_courses_they_run_not_every_course_of_the_institution(
    cast, tim, client_for
):
    url = reverse("course-detail", args=[cast.course_boegely.public_id])
    assert client_for(cast.bob).get(url).status_code == 200
    assert client_for(tim).get(url).status_code == 404
    response = client_for(tim).post(
        reverse("session-plan", args=[cast.course_boegely.public_id]),
        {"date": (TODAY + datetime.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 404
    assert cast.course_boegely.sessions.count() == 1


def test_the_course_pedagogue_may_add_any_child_of_the_institution_not_others(
    cast, noa, tim, client_for
):
    """Joining a course makes a child one of the pedagogue's cases: the choice is the
    institution's children in daycare, for those working on the course only."""
    from inklusio import access

    assert noa in access.children_for_course(cast.bob, cast.course_boegely)
    assert cast.emil not in access.children_for_course(cast.bob, cast.course_boegely)
    assert not access.children_for_course(tim, cast.course_boegely).exists()
