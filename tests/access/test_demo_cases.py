"""The demo still shows real-looking cases under per-case need-to-know."""

from django.core.management import call_command

from inklusio import access
from inklusio.people.models import User


def test_demo_pedagogue_and_corps_leader_see_the_children_of_their_cases(db):
    call_command("load_demo")
    for username in ["demo-paedagog", "demo-korpsleder"]:
        user = User.objects.filter(username=username).first()
        assert user is not None, f"{username} is missing from the demo"
        assert access.children_visible_to(user).exists(), username
