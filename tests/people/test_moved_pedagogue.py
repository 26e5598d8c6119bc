"""A pedagogue who moves to another role, or whose account is closed, leaves the corps: the
attachments that gave access to institutions end that day, and the access with them.

Bob is the resource pedagogue at Bøgely: he runs its course (with Mia in it), owns Mia's plan, took
part in its meeting and is the resource pedagogue of Bøgely's consultative meeting. The
administration moves him on the users page to leader at Elverhøj. His attachment to Bøgely ends
that day (`ended_on`, in the one audit row of the change); nothing of Mia's case answers him any
more, whatever he asks or posts (the access matrix's time dimension, as for those whose relation
to the case has ended); and moved back to pedagogue, the ended attachment gives nothing back.
Closing his account ends it as well, and reopening does not bring it back."""

import pytest
from django.urls import reverse

from inklusio.audit.labels import change_rows
from inklusio.courses.models import Session
from inklusio.meetings.selectors import resource_pedagogue_for
from inklusio.people import services
from inklusio.people.models import PedagogueAttachment, Role, User
from tests.conftest import TODAY
from tests.core.test_access_matrix import TIME, _assert_post_refused, _json_body, _url
from tests.people.test_users import edit_url, form_data, user_changes

pytestmark = pytest.mark.django_db


def move(cast, client, role, institution) -> User:
    """The administration's users page: Bob gets `role` (at `institution`)."""
    client.force_login(cast.alice)
    bob = User.objects.get(pk=cast.bob.pk)
    response = client.post(
        edit_url(bob), form_data(bob, role=role, institution=institution.pk if institution else "")
    )
    assert response.status_code == 302, response.content.decode()
    return User.objects.get(pk=cast.bob.pk)


def bobs_attachments(cast) -> list[tuple[str, object]]:
    return list(
        PedagogueAttachment.objects.filter(pedagogue=cast.bob).values_list(
            "institution__name", "ended_on"
        )
    )


def record_url(cast) -> str:
    return reverse("session-record", kwargs={"public_id": cast.session_boegely.public_id})


CANCEL = {"outcome": "cancelled", "cause": "illness"}


class TestMovedToAnotherRole:
    @pytest.mark.parametrize(
        ("role", "where"),
        [
            (Role.INSTITUTION_LEADER, "elverhoej"),
            (Role.STAFF, "elverhoej"),
            (Role.CORPS_LEADER, None),
        ],
    )
    def test_the_attachments_end_the_day_of_the_move_in_the_same_audit_row(
        self, cast, client, role, where
    ):
        assert bobs_attachments(cast) == [("Bøgely", None)]
        assert resource_pedagogue_for(cast.boegely) == cast.bob

        bob = move(cast, client, role, getattr(cast, where) if where else None)

        assert bobs_attachments(cast) == [("Bøgely", TODAY)]
        [change] = user_changes(bob)
        assert change["role"] == {"before": Role.PEDAGOGUE, "after": role}
        assert change["attachments"] == {"before": ["Bøgely"], "after": None}
        # The access log names it in Danish.
        assert ("tilknytninger", "Bøgely", "–") in change_rows("user", change)
        # Bøgely's next consultative meeting is not offered a pedagogue who left the corps.
        assert resource_pedagogue_for(cast.boegely) is None

    def test_a_change_that_keeps_the_role_ends_nothing(self, cast, client):
        client.force_login(cast.alice)
        client.post(edit_url(cast.bob), form_data(cast.bob, first_name="Bobby"))
        assert bobs_attachments(cast) == [("Bøgely", None)]
        assert "attachments" not in user_changes(cast.bob)[0]

    def test_the_page_says_so_before_the_change(self, cast, client):
        client.force_login(cast.alice)
        page = client.get(edit_url(cast.bob)).content.decode()
        assert "ophører pædagogens tilknytninger til institutionerne samme dag" in page
        assert "pedagogue-role-change" not in client.get(edit_url(cast.sara)).content.decode()

    def test_the_child_the_course_and_the_session_are_refused_after_the_move(self, cast, client):
        """What Bob reached through his attachment before (a child at Bøgely, its course, a
        post on a session of it) is refused after it, and the post changes nothing."""
        child = reverse("child-detail", kwargs={"public_id": cast.mia.public_id})
        course = cast.course_boegely.get_absolute_url()
        client.force_login(cast.bob)
        assert client.get(child).status_code == 200
        assert client.get(course).status_code == 200
        assert client.get(record_url(cast)).status_code == 200

        bob = move(cast, client, Role.INSTITUTION_LEADER, cast.elverhoej)

        client.force_login(bob)
        assert client.get(child).status_code == 404
        assert client.get(course).status_code == 404
        assert client.get(record_url(cast)).status_code == 404
        assert client.post(record_url(cast), CANCEL).status_code == 404
        session = Session.objects.get(pk=cast.session_boegely.pk)
        assert session.status == Session.Status.PLANNED

    def test_moved_back_the_ended_attachment_gives_nothing_back(self, cast, client):
        move(cast, client, Role.STAFF, cast.elverhoej)
        bob = move(cast, client, Role.PEDAGOGUE, None)
        client.force_login(bob)
        assert (
            client.get(
                reverse("child-detail", kwargs={"public_id": cast.mia.public_id})
            ).status_code
            == 404
        )
        assert client.get(cast.course_boegely.get_absolute_url()).status_code == 404
        assert client.post(record_url(cast), CANCEL).status_code == 404
        assert Session.objects.get(pk=cast.session_boegely.pk).status == Session.Status.PLANNED


@pytest.mark.parametrize("item", TIME, ids=lambda i: f"{i.view}[{i.target}]")
def test_the_moved_pedagogue_reaches_nothing_of_mias_case(cast, client, item):
    """Every view of Mia's case and of Bøgely, read and posted (every form action), as Bob
    moved to leader at Elverhøj: 404, and nothing changes."""
    bob = move(cast, client, Role.INSTITUTION_LEADER, cast.elverhoej)
    url = _url(cast, item)
    json_body = _json_body(cast, item)
    client.force_login(bob)
    if json_body is not None:
        status = client.post(url, json_body, content_type="application/json").status_code
    else:
        status = getattr(client, item.method)(url).status_code
    assert status == 404, f"{bob} got {status} for {url}"
    _assert_post_refused(client, url, lambda body: [bob], item.view, json_body)


class TestClosed:
    def test_closing_ends_the_attachments_in_the_same_audit_row(self, cast):
        services.user_deactivate(actor=cast.alice, user=cast.bob)
        assert bobs_attachments(cast) == [("Bøgely", TODAY)]
        [change] = user_changes(cast.bob)
        assert change["attachments"] == {"before": ["Bøgely"], "after": None}
        assert ("afsluttede sessioner", "0", "0") in change_rows("user", change)

    def test_reopened_the_pedagogue_has_no_attachment_until_attached_again(self, cast, client):
        services.user_deactivate(actor=cast.alice, user=cast.bob)
        client.force_login(cast.alice)
        page = client.get(edit_url(cast.bob)).content.decode()
        assert "korpslederen knytter pædagogen igen under Tilknytninger" in page
        services.user_reactivate(actor=cast.alice, user=cast.bob)
        client.force_login(User.objects.get(pk=cast.bob.pk))
        child = reverse("child-detail", kwargs={"public_id": cast.mia.public_id})
        assert client.get(child).status_code == 404
        assert client.get(cast.course_boegely.get_absolute_url()).status_code == 404

    def test_the_closing_page_says_the_attachments_end(self, cast, client):
        client.force_login(cast.alice)
        page = client.get(edit_url(cast.bob)).content.decode()
        assert "Pædagogens tilknytninger til institutionerne ophører." in page
