"""A user of one municipality cannot reach any object of another by URL or query."""

import pytest
from django.urls import reverse

from inklusio import access
from inklusio.children.models import Child
from inklusio.organisation.models import Institution


def other_municipality_urls(cast):
    return [
        reverse("child-detail", args=[cast.xenia.public_id]),
        reverse("child-edit", args=[cast.xenia.public_id]),
        reverse("guardian-add", args=[cast.xenia.public_id]),
        reverse("institution-detail", args=[cast.soestjernen.public_id]),
        reverse("resource-group-detail", args=[cast.group_dragoer.public_id]),
        f"/api/children/{cast.xenia.public_id}",
    ]


@pytest.mark.parametrize("username", ["alice", "cora", "bob", "carl", "sara", "pia", "gert"])
def test_ishoj_users_get_404_for_every_dragoer_object(cast, client_for, username):
    client = client_for(getattr(cast, username))
    for url in other_municipality_urls(cast):
        assert client.get(url).status_code == 404, url


def test_even_the_administrators_lists_hold_only_their_municipality(cast, client_for):
    client = client_for(cast.alice)
    children = client.get(reverse("child-list")).context["children"]
    assert {c.municipality_id for c in children} == {cast.ishoj.pk}
    api_names = {c["first_name"] for c in client.get("/api/children").json()}
    assert "Xenia" not in api_names


def test_the_tenant_scope_fails_closed_for_users_without_municipality(cast):
    cast.alice.municipality = None
    assert not Institution.objects.in_municipality_of(cast.alice).exists()
    assert not access.children_visible_to(cast.alice).exists()
    assert Child.objects.count() == 3


def test_the_api_lists_only_the_decisions_and_courses_the_user_may_see(cast, client_for):
    from django.urls import reverse

    decisions = client_for(cast.gert).get(reverse("api:list_decisions")).json()
    assert [d["child"] for d in decisions] == [str(cast.mia.public_id)]
    assert client_for(cast.carl).get(reverse("api:list_decisions")).json() == []
    assert client_for(cast.dora).get(reverse("api:list_decisions")).json() == []
    courses = client_for(cast.sara).get(reverse("api:list_courses")).json()
    assert [(c["title"], c["children"]) for c in courses] == [("Legegruppe", 1)]
    assert client_for(cast.gert).get(reverse("api:list_courses")).json() == []
