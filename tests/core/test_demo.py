import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from inklusio.children.models import Child
from inklusio.organisation.models import Institution, Municipality, ResourceGroup
from inklusio.people.models import PedagogueAttachment, Role, User
from inklusio.referrals.models import Appeal, Referral
from tests.conftest import TODAY

ISHOJ_INSTITUTIONS = {
    "Bøgely", "Elverhøj", "Femkanten", "Firkløveren", "Piletræet",
    "Regnbuen", "Troldebo", "Trækronerne", "Tvillingehuset", "Ørnebo",
}  # fmt: skip


def test_demo_municipality_is_ishoj_with_its_ten_institutions(db):
    call_command("load_demo")
    ishoj = Municipality.objects.get(slug="ishoj")
    assert set(Institution.objects.filter(municipality=ishoj).values_list("name", flat=True)) == (
        ISHOJ_INSTITUTIONS
    )
    assert ResourceGroup.objects.filter(municipality=ishoj, places__gt=0).exists()
    assert Child.objects.filter(municipality=ishoj).count() >= 60
    assert User.objects.filter(role=Role.PEDAGOGUE).count() == 8
    demo_roles = set(
        User.objects.filter(username__startswith="demo-").values_list("role", flat=True)
    )
    assert demo_roles == set(Role.values)


def test_every_demo_login_is_refused_when_demo_logins_are_off(db, client, settings):
    """Production's guard knows demo accounts by their name: every one of them carries it."""
    call_command("load_demo")
    users = list(User.objects.filter(municipality__slug="ishoj"))
    assert users and all(user.username.startswith("demo-") for user in users)
    settings.DEMO_LOGINS_ENABLED = False
    for user in users:
        assert not client.login(username=user.username, password="inklusio-demo"), user.username


def test_demo_pedagogues_never_serve_both_functions_in_one_institution(db):
    call_command("load_demo")
    pairs = PedagogueAttachment.objects.values_list("pedagogue_id", "institution_id")
    assert len(pairs) == len(set(pairs))
    for pedagogue in User.objects.filter(role=Role.PEDAGOGUE):
        assert 2 <= pedagogue.attachments.count() <= 3


def _demo_children(seed):
    call_command("load_demo", seed=seed)
    # CPR numbers are encrypted: compared in Python, in the order of the public ids.
    rows = [(c.cpr, c.first_name, c.public_id) for c in Child.objects.order_by("public_id")]
    call_command("flush", interactive=False, verbosity=0)
    return rows


def test_demo_is_deterministic_for_a_seed(transactional_db):
    assert _demo_children(7) == _demo_children(7)
    assert _demo_children(7) != _demo_children(8)


def test_load_demo_if_empty_does_nothing_when_data_exists(db):
    Municipality.objects.create(name="Anden Kommune", slug="anden")
    call_command("load_demo", if_empty=True)
    assert not Municipality.objects.filter(slug="ishoj").exists()


def test_demo_loads_in_the_days_after_a_periods_first_meeting(db):
    """Loaded a week after the period's first committee meeting, the demo's appeal against one
    of its decisions arrived today at the latest, never on a day still to come (refused)."""
    early = datetime.datetime.combine(TODAY.replace(month=4, day=30), datetime.time(10))
    with time_machine.travel(early.replace(tzinfo=ZoneInfo("Europe/Copenhagen")), tick=False):
        call_command("load_demo")
        [appeal] = Appeal.objects.all()
        assert appeal.decision.decided_on <= appeal.received_on == early.date()


def test_the_demo_appeal_arrived_after_its_decision_and_by_today(db):
    call_command("load_demo")
    [appeal] = Appeal.objects.all()
    assert appeal.decision.decided_on <= appeal.received_on <= TODAY


def test_every_demo_referral_was_written_by_the_day_it_was_sent(db):
    call_command("load_demo")
    sent = Referral.objects.exclude(submitted_at=None)
    assert sent.exists()
    assert all(referral.created_at <= referral.submitted_at for referral in sent)
