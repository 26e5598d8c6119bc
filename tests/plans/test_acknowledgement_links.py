"""Agreements waiting for the user's acknowledgement lead to where the answer is given: the
meeting's page at what was agreed, the form right below it. The start page's card led to the
list of plans, from which the meeting was another click away."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditEntry
from inklusio.children.models import PartnerInvitation
from inklusio.partners import services as partner_services
from inklusio.people.models import Role
from inklusio.plans import services
from inklusio.plans.models import Acknowledgement, PlanMeeting
from tests.conftest import TODAY, backdate_plan, make_user
from tests.partners.directory import profile

pytestmark = pytest.mark.django_db

CARD = 'data-testid="waiting-acknowledgements-count"'
YESTERDAY = TODAY - datetime.timedelta(days=1)


def _card(start_page: str) -> tuple[str, str]:
    """The card's (figure, target)."""
    card = start_page.split(CARD)[1].split("</div>")[0]
    figure = card.split(">")[1].split("<")[0]
    return figure, card.split('<a href="')[1].split('"')[0]


def _listed(start_page: str) -> list[str]:
    """The targets of the start page's list "Kvittér for aftaler"."""
    listing = start_page.split('data-testid="waiting-acknowledgements"')[1].split("</ul>")[0]
    return [part.split('"')[0] for part in listing.split('<a href="')[1:]]


def _answered_there(client, target: str) -> None:
    """The target is the meeting's page, at what was agreed, with the form to answer after it."""
    path, anchor = target.split("#")
    page = client.get(path).content.decode()
    assert f'<h2 id="{anchor}">Det aftalte</h2>' in page
    after = page.split(f'id="{anchor}"')[1]
    assert "Kvittér for aftalerne" in after and 'name="action" value="acknowledge"' in after


def _second_meeting(cast, *participants) -> PlanMeeting:
    """A follow-up held yesterday with `participants`, whose agreements wait for them too."""
    meeting = services.plan_meeting_schedule(
        actor=cast.bob, plan=cast.plan_mia, kind="follow_up",
        date=TODAY - datetime.timedelta(days=1), start_time=datetime.time(9), place="",
        participants=[cast.bob, *participants],
    )  # fmt: skip
    goal = cast.plan_mia.goals.get()
    return services.plan_meeting_hold(
        actor=cast.bob, meeting=meeting, note="", goal_statuses={goal.pk: ("partly", "")}
    )


class TestTheStartPage:
    @pytest.mark.parametrize("who", ["sara", "gert"])
    def test_one_meeting_waiting_the_card_and_the_list_lead_to_its_agreements(
        self, cast, client_for, who
    ):
        """Sara (the institution's staff) and Gert (Mia's father) took part in Mia's meeting."""
        client = client_for(getattr(cast, who))
        start = client.get(reverse("start")).content.decode()
        target = cast.plan_meeting.get_acknowledge_url()
        assert _card(start) == ("1", target)
        assert _listed(start) == [target]
        _answered_there(client, target)

    def test_several_meetings_waiting_the_card_leads_to_their_list(self, cast, client_for):
        follow_up = _second_meeting(cast, cast.sara)
        start = client_for(cast.sara).get(reverse("start")).content.decode()
        assert _card(start) == ("2", "#kvitter-for-aftaler")
        assert '<h2 id="kvitter-for-aftaler">Kvittér for aftaler</h2>' in start
        assert sorted(_listed(start)) == sorted(
            [follow_up.get_acknowledge_url(), cast.plan_meeting.get_acknowledge_url()]
        )

    def test_once_answered_nothing_waits_and_the_card_leads_to_the_plans(self, cast, client_for):
        """Bob follows Mia's plan up, so his card stays, at 0."""
        services.plan_meeting_acknowledge(
            actor=cast.bob, meeting=cast.plan_meeting, answer="agreed"
        )
        start = client_for(cast.bob).get(reverse("start")).content.decode()
        assert _card(start) == ("0", reverse("plan-list"))
        assert 'data-testid="waiting-acknowledgements"' not in start

    def test_a_guardian_answered_sees_no_card(self, cast, client_for):
        services.plan_meeting_acknowledge(
            actor=cast.gert, meeting=cast.plan_meeting, answer="agreed"
        )
        start = client_for(cast.gert).get(reverse("start")).content.decode()
        assert CARD not in start and "Kvittér for aftaler" not in start


class TestAPartnersStartPage:
    """A partner's start page shows what they are invited to, and the agreements of meetings
    they took part in and still may see, waiting for their acknowledgement. It showed only the
    invitations, so a psychologist at a follow-up was never asked there."""

    def test_a_partner_who_took_part_is_asked_to_acknowledge(self, cast, client_for):
        follow_up = _second_meeting(cast, cast.pia)
        client = client_for(cast.pia)
        start = client.get(reverse("start")).content.decode()
        # Only the meeting she took part in: Mia's first meeting waits for others, not for her.
        assert _listed(start) == [follow_up.get_acknowledge_url()]
        assert '<h2 id="kvitter-for-aftaler">Kvittér for aftaler</h2>' in start
        # Nothing else changes: her invitations, and no cards of the other roles.
        assert "Det er du inviteret til" in start
        assert CARD not in start and 'data-testid="child-count"' not in start
        assert "Opfølgning overskredet" not in start
        _answered_there(client, follow_up.get_acknowledge_url())

    def test_once_answered_she_is_not_asked_again(self, cast, client_for):
        follow_up = _second_meeting(cast, cast.pia)
        services.plan_meeting_acknowledge(actor=cast.pia, meeting=follow_up, answer="agreed")
        start = client_for(cast.pia).get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" not in start
        assert "Det er du inviteret til" in start

    def test_a_partner_who_took_part_in_no_meeting_sees_her_invitations_only(
        self, cast, client_for
    ):
        start = client_for(cast.pia).get(reverse("start")).content.decode()
        assert "Det er du inviteret til" in start
        assert "Kvittér for aftaler" not in start

    def test_a_partner_whose_invitation_ended_is_not_asked(self, cast, ended, client_for):
        """Ida took part in yesterday's follow-up; her invitation to Mia's case ended with the
        day, and with it the access the meeting gave her (Pia, still invited, is asked)."""
        follow_up = _second_meeting(cast, ended.ida, cast.pia)
        assert (
            "Kvittér for aftaler"
            not in client_for(ended.ida).get(reverse("start")).content.decode()
        )
        pia_start = client_for(cast.pia).get(reverse("start")).content.decode()
        assert _listed(pia_start) == [follow_up.get_acknowledge_url()]

    def test_a_partner_is_asked_about_a_course_plan_only_within_the_grace_period(
        self, cast, client_for, settings
    ):
        """A course plan has no child: taking part in its meeting is the partner's only access,
        and it lasts the grace period after the meeting."""
        settings.PLAN_MEETING_ACCESS_DAYS = 30
        plan = services.plan_create(
            actor=cast.bob,
            data={
                "course": cast.course_boegely, "owner": cast.bob, "title": "Gruppens handleplan",
                "problem": "Samling", "strategies": "Leg", "duration": "Et halvt år",
            },
            goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
            agreements=[{"text": "Fælles sang", "owner": "Stuen", "due": None}],
        )  # fmt: skip
        backdate_plan(plan, TODAY - datetime.timedelta(days=60))
        meeting = services.plan_meeting_schedule(
            actor=cast.bob, plan=plan, kind="initial", date=TODAY - datetime.timedelta(days=1),
            start_time=datetime.time(9), place="", participants=[cast.bob, cast.pia],
        )  # fmt: skip
        meeting = services.plan_meeting_hold(actor=cast.bob, meeting=meeting, note="")
        client = client_for(cast.pia)
        PlanMeeting.objects.filter(pk=meeting.pk).update(date=TODAY - datetime.timedelta(days=30))
        start = client.get(reverse("start")).content.decode()
        assert _listed(start) == [meeting.get_acknowledge_url()]
        PlanMeeting.objects.filter(pk=meeting.pk).update(date=TODAY - datetime.timedelta(days=31))
        start = client.get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" not in start and "Gruppens handleplan" not in start
        assert "Det er du inviteret til" in start


class TestTheOtherWaysIn:
    def test_i_dag_leads_to_the_agreements(self, cast, client_for):
        client = client_for(cast.sara)
        deadlines = client.get(reverse("today")).content.decode().split('data-testid="deadlines"')
        target = cast.plan_meeting.get_acknowledge_url()
        assert f'<a href="{target}">' in deadlines[1].split("</ul>")[0]
        _answered_there(client, target)

    def test_the_guardians_family_page_leads_to_the_agreements(self, cast, client_for):
        client = client_for(cast.gert)
        page = client.get(reverse("family-child", args=[cast.mia.public_id])).content.decode()
        button = page.split('data-testid="family-acknowledge"')[0].rsplit("<a ", 1)[1]
        target = cast.plan_meeting.get_acknowledge_url()
        assert f'href="{target}"' in button
        _answered_there(client, target)

    def test_a_partner_who_took_part_is_led_from_the_plans_to_the_agreements(
        self, cast, client_for
    ):
        """Besides her start page, the plans list names the meeting whose agreements wait for
        her."""
        follow_up = _second_meeting(cast, cast.pia)
        client = client_for(cast.pia)
        plans = client.get(reverse("plan-list")).content.decode()
        alert = plans.split("Du mangler at kvittere for aftaler")[1].split("</ul>")[0]
        assert f'<a href="{follow_up.get_acknowledge_url()}">' in alert
        _answered_there(client, follow_up.get_acknowledge_url())


class TestAPartnerInvitedToTheMeetingAlone:
    """Quinn (psychologist) took part in yesterday's follow-up of Mia's plan and is invited to
    that meeting alone: her start page asks for her answer and leads to the meeting's page,
    while the plan itself, its other meetings, versions and adjustments stay closed to her. The
    list left her out, as it named only meetings of plans the partner may see."""

    @pytest.fixture
    def quinn(self, cast):
        user = make_user("quinn", cast.ishoj, Role.PARTNER, profession="psychologist")
        profile(cast, user)
        return user

    @pytest.fixture
    def follow_up(self, cast, quinn):
        return _second_meeting(cast, quinn)

    @pytest.fixture
    def invitation(self, cast, quinn, follow_up):
        return _invite(cast, quinn, follow_up)

    def test_her_start_page_leads_to_the_meetings_agreements(
        self, cast, client_for, quinn, follow_up, invitation
    ):
        client = client_for(quinn)
        start = client.get(reverse("start")).content.decode()
        assert _listed(start) == [follow_up.get_acknowledge_url()]
        assert "Det er du inviteret til" in start
        assert cast.plan_mia.get_absolute_url() not in start
        _answered_there(client, follow_up.get_acknowledge_url())
        answered = client.post(follow_up.get_absolute_url(), _AGREED)
        assert answered.status_code == 302
        assert Acknowledgement.objects.filter(meeting=follow_up, user=quinn).exists()
        start = client.get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" not in start and "Det er du inviteret til" in start

    def test_the_meeting_is_all_she_is_given_of_the_plan(
        self, cast, client_for, quinn, follow_up, invitation
    ):
        """She also took part in the plan's first meeting, which she is not invited to."""
        cast.plan_meeting.participants.add(quinn)
        client = client_for(quinn)
        assert _listed(client.get(reverse("start")).content.decode()) == [
            follow_up.get_acknowledge_url()
        ]
        closed = [
            reverse("plan-detail", args=[cast.plan_mia.public_id]),
            reverse("plan-versions", args=[cast.plan_mia.public_id]),
            reverse("plan-meeting", args=[cast.plan_meeting.public_id]),
            reverse("adjustment-decide", args=[cast.adjustment_mia.public_id]),
            reverse("plan-list"),
        ]
        assert {url: client.get(url).status_code for url in closed} == dict.fromkeys(closed, 404)

    def test_the_start_page_logs_the_child_of_the_meeting_once(
        self, cast, client_for, quinn, follow_up, invitation
    ):
        client = client_for(quinn)
        before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        response = client.get(reverse("start"))
        panel = next(p for p in response.context["panels"] if "waiting" in p)
        assert panel["children"] == [cast.mia]
        (entry,) = AuditEntry.objects.filter(id__gt=before, actor=quinn)
        assert (entry.object_type, entry.child_id) == ("startpage", cast.mia.public_id)

    @pytest.mark.parametrize("ends", ["ended", "expired"])
    def test_once_the_invitation_ends_the_meeting_is_not_listed_and_no_answer_is_taken(
        self, cast, client_for, quinn, follow_up, invitation, ends
    ):
        if ends == "ended":
            partner_services.invitation_end(actor=cast.alice, invitation=invitation, reason="Slut")
        else:
            PartnerInvitation.objects.filter(pk=invitation.pk).update(valid_until=YESTERDAY)
        client = client_for(quinn)
        start = client.get(reverse("start")).content.decode()
        assert "Kvittér for aftaler" not in start and follow_up.get_absolute_url() not in start
        assert client.get(follow_up.get_absolute_url()).status_code == 404
        assert client.post(follow_up.get_absolute_url(), _AGREED).status_code == 404
        assert not Acknowledgement.objects.filter(meeting=follow_up, user=quinn).exists()

    def test_another_partners_meeting_is_not_listed(
        self, cast, client_for, quinn, follow_up, invitation
    ):
        """Rita took part in a meeting of her own; Quinn is invited to it but was not there."""
        rita = make_user("rita", cast.ishoj, Role.PARTNER, profession="speech_consultant")
        profile(cast, rita)
        ritas = _second_meeting(cast, rita)
        _invite(cast, rita, ritas)
        _invite(cast, quinn, ritas)
        assert _listed(client_for(quinn).get(reverse("start")).content.decode()) == [
            follow_up.get_acknowledge_url()
        ]
        assert _listed(client_for(rita).get(reverse("start")).content.decode()) == [
            ritas.get_acknowledge_url()
        ]

    @pytest.mark.parametrize("scope", ["plan", "child"])
    def test_an_invitation_to_the_plan_or_the_case_lists_it_as_before(
        self, cast, client_for, quinn, follow_up, scope
    ):
        _invite(cast, quinn, cast.plan_mia if scope == "plan" else cast.mia)
        client = client_for(quinn)
        assert _listed(client.get(reverse("start")).content.decode()) == [
            follow_up.get_acknowledge_url()
        ]
        _answered_there(client, follow_up.get_acknowledge_url())


_AGREED = {"action": "acknowledge", "answer": "agreed", "comment": ""}


def _invite(cast, partner, target) -> PartnerInvitation:
    return partner_services.invitation_create(
        actor=cast.alice,
        target=target,
        partner=partner,
        reason="Sparring om aftalerne",
        valid_until=TODAY + datetime.timedelta(days=30),
    )
