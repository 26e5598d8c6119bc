"""Beyond the plan in force, a pedagogue who has left the corps is no longer treated as a member.

Bob runs a course at Bøgely and is planned there in the published week; then he leaves the corps:
his user is deactivated, or he moves to another role (here: staff at Bøgely, where his course
still runs). Cora, the corps leader, cannot register an absence for him; his calendar no longer
has his course sessions; the course form no longer offers him; the page where she confirms
publishing a proposal calculated before he left names him and tells her to calculate again; his
row of the plan in force says that he has left on every half-day from today on; and deleting an
absence of his does not promise that he will be planned or come again. The rule of who is in the
corps is the planner's (`problem.in_corps`)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses.models import Course
from inklusio.people.models import Role
from inklusio.planning import problem, services
from inklusio.planning.models import Absence, WeeklyPlan
from tests.conftest import TODAY
from tests.planning.conftest import HOW_THEY_LEAVE, MONDAY, leave_the_corps
from tests.planning.test_planning_queries import grow_departed, queries_with_5_and_50

HOW = HOW_THEY_LEAVE


@pytest.fixture
def week(published_week):
    return published_week


def bob_leaves(corps, how: str) -> None:
    """Bob leaves the corps, moved to staff at Bøgely (his course's institution, so he still
    sees the course)."""
    leave_the_corps(corps.bob, how, to=corps.boegely)


def absence_post(start: datetime.date, note: str) -> dict[str, str]:
    """The contract page's "Registrér fravær" form, filled in."""
    return {
        "absence-start": start.isoformat(),
        "absence-end": start.isoformat(),
        "absence-part": Absence.Part.WHOLE_DAY,
        "absence-kind": Absence.Kind.COURSE,
        "absence-note": note,
    }


class TestAbsenceRegistration:
    @pytest.mark.parametrize("how", HOW)
    def test_an_absence_of_one_who_left_is_refused_with_the_input_kept(
        self, corps, client_for, how
    ):
        cora = client_for(corps.cora)
        url = corps.contract_bob.get_absolute_url()
        assert cora.post(url, absence_post(MONDAY, "Kursus i Odense")).status_code == 302
        assert Absence.objects.filter(pedagogue=corps.bob).count() == 1

        bob_leaves(corps, how)

        later = MONDAY + datetime.timedelta(weeks=1)
        response = cora.post(url, absence_post(later, "Kursus i Odense"))
        assert response.status_code == 200
        page = response.content.decode()
        assert (
            f"{corps.bob} har forladt korpset, så der kan ikke registreres fravær. Fravær "
            "registreres kun for pædagoger i korpset."
        ) in page
        assert "Kursus i Odense" in page
        assert f'value="{later.isoformat()}"' in page
        assert Absence.objects.filter(pedagogue=corps.bob).count() == 1

    def test_the_service_refuses_a_deactivated_pedagogue(self, corps):
        bob_leaves(corps, "deactivated")
        with pytest.raises(services.PlanningError, match="har forladt korpset"):
            services.absence_add(
                actor=corps.cora,
                pedagogue=corps.bob,
                data={"start": MONDAY, "end": MONDAY, "kind": "illness"},
            )
        assert not Absence.objects.exists()


def feed_summaries(corps) -> list[str]:
    """What Bob's calendar program shows from his feed."""
    response = corps.client_for(corps.bob).get(corps.feed.get_absolute_url())
    assert response.status_code == 200
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]


class TestCalendarFeed:
    SESSION = "Samling: Gruppeforløb – Bøgely"

    @pytest.mark.parametrize(
        "role", [Role.STAFF, Role.INSTITUTION_LEADER, Role.CORPS_LEADER], ids=str
    )
    def test_the_course_sessions_of_one_who_moved_to_another_role_are_gone(self, week, role):
        """Moved to a role that still sees his course at Bøgely, Bob's feed keeps no session
        of it, as it keeps none of the plan's half-days: he is not going."""
        assert self.SESSION in feed_summaries(week)

        week.bob.role = role
        week.bob.institution = week.boegely
        week.bob.save()

        assert [s for s in feed_summaries(week) if s.startswith("Samling")] == []
        assert [s for s in feed_summaries(week) if "funktion)" in s] == []


def offered_pedagogues(client) -> list[str]:
    """The pedagogues the "Nyt ressourceforløb" form offers, by name."""
    response = client.get(reverse("course-create"))
    assert response.status_code == 200
    return sorted(str(p) for p in response.context["form"].fields["pedagogue"].queryset)


class TestCoursePedagogues:
    def course_post(self, corps, pedagogue) -> dict[str, object]:
        return {
            "institution": corps.boegely.pk,
            "kind": "group",
            "title": "Venskabsgruppe",
            "goals": "Flere venskaber",
            "start": MONDAY.isoformat(),
            "pedagogue": pedagogue.pk,
            "coordinator": "pedagogue",
        }

    def test_the_form_offers_whom_the_planner_plans(self, corps, client_for, monkeypatch):
        """One rule of who is in the corps (`problem.CORPS_MEMBER`): were it to gain a
        condition, the course form would follow the planner instead of keeping its own."""
        monkeypatch.setitem(problem.CORPS_MEMBER, "is_staff", False)
        corps.bob.is_staff = True
        corps.bob.save()
        _problem, lookups = problem.build_problem(corps.ishoj, MONDAY)
        planned = sorted(str(p) for p in lookups["pedagogues"].values())
        assert planned == [str(corps.pete)]
        cora = client_for(corps.cora)
        assert offered_pedagogues(cora) == planned
        response = cora.post(reverse("course-create"), self.course_post(corps, corps.bob))
        assert response.status_code == 200
        assert response.context["form"].errors["pedagogue"]
        assert "Venskabsgruppe" in response.content.decode()
        assert not Course.objects.filter(title="Venskabsgruppe").exists()


@pytest.fixture
def proposal(corps, client_for):
    """The week calculated with Bob and Pete in the corps, not yet published."""
    corps.client_for = client_for
    corps.proposal = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
    assert corps.proposal.status == WeeklyPlan.Status.PROPOSED
    assert corps.proposal.slots.filter(pedagogue=corps.bob).exists()
    return corps


def publish_url(plan) -> str:
    return reverse("planning-publish", args=[plan.public_id])


def warnings_on(response) -> list[str]:
    assert response.status_code == 200
    return [
        " ".join(line.split())
        for line in re.findall(
            r'data-testid="confirm-warning">(.*?)</p>', response.content.decode(), re.S
        )
    ]


DEPARTED_WARNING = (
    "{names} har forladt korpset, efter at forslaget blev beregnet, men har stadig besøg i "
    "det. Beregn ugen igen, før du offentliggør: så planlægges de halve dage med korpsets "
    "pædagoger."
)


class TestPublishConfirmation:
    @pytest.mark.parametrize("how", HOW)
    def test_the_page_names_who_left_since_the_proposal_was_calculated(self, proposal, how):
        """The warning tells the corps leader to calculate again; it does not stop her:
        confirmed, the proposal is published, and the plan in force shows the visits of the
        one who left as lapsing."""
        cora = proposal.client_for(proposal.cora)
        assert warnings_on(cora.get(publish_url(proposal.proposal))) == []

        bob_leaves(proposal, how)

        warning = DEPARTED_WARNING.format(names=proposal.bob)
        assert warnings_on(cora.get(publish_url(proposal.proposal))) == [warning]
        # A post without "Bekræft" publishes nothing and shows the warning again.
        assert warnings_on(cora.post(publish_url(proposal.proposal), {})) == [warning]
        proposal.proposal.refresh_from_db()
        assert proposal.proposal.status == WeeklyPlan.Status.PROPOSED

        response = cora.post(publish_url(proposal.proposal), {"confirm": "yes"})
        assert response["Location"] == proposal.proposal.get_absolute_url()
        proposal.proposal.refresh_from_db()
        assert proposal.proposal.status == WeeklyPlan.Status.PUBLISHED
        page = cora.get(proposal.proposal.get_absolute_url()).content.decode()
        assert "Besøg, der bortfalder: pædagogen har forladt korpset" in page

    def test_everyone_who_left_is_named(self, proposal):
        bob_leaves(proposal, "deactivated")
        proposal.pete.role = Role.STAFF
        proposal.pete.institution = proposal.elverhoej
        proposal.pete.save()
        response = proposal.client_for(proposal.cora).get(publish_url(proposal.proposal))
        assert warnings_on(response) == [
            DEPARTED_WARNING.format(names=f"{proposal.bob} og {proposal.pete}")
        ]

    def test_the_proposal_itself_says_so_to_the_corps_leader(self, proposal):
        cora = proposal.client_for(proposal.cora)
        page = proposal.proposal.get_absolute_url()

        def shown() -> list[str]:
            html = cora.get(page).content.decode()
            found = re.findall(r'data-testid="plan-warning">(.*?)</p>', html, re.S)
            return [" ".join(line.split()) for line in found]

        assert shown() == []
        bob_leaves(proposal, "deactivated")
        assert shown() == [DEPARTED_WARNING.format(names=proposal.bob)]

    def test_the_page_reads_the_departed_in_a_fixed_number_of_queries(self, corps, client_for):
        """5 or 50 pedagogues who left after the proposal was calculated: as many queries."""
        url = publish_url(corps.plan)
        client = client_for(corps.cora)
        few, many = queries_with_5_and_50(corps, client, url, grow=grow_departed)
        assert few == many
        [warning] = warnings_on(client.get(url))
        assert all(f"Extra{k:02d}" in warning for k in range(50))


LEFT = "Har forladt korpset"
SLOT_KEYS = [(day, half) for day in range(5) for half in range(2)]


def bobs_row(week):
    response = week.client_for(week.cora).get(week.published.get_absolute_url())
    assert response.status_code == 200
    [row] = [r for r in response.context["grids"]["pedagogues"] if r.label == str(week.bob)]
    return row


class TestTheDepartedRowInThePlanInForce:
    @pytest.mark.parametrize("how", HOW)
    def test_every_half_day_from_today_on_says_he_left(self, week, how):
        """Not only the half-days with a visit: the centre meeting and the free half-days too,
        as he is not coming back this week. His course session still shows beside it (it is
        listed as not kept)."""
        planned = {(s.day, s.half) for s in week.bobs}
        assert set(SLOT_KEYS) - planned, "the week has a half-day without a visit of Bob's"

        bob_leaves(week, how)

        row = bobs_row(week)
        assert [cell[0] for cell in row.cells] == [LEFT] * len(SLOT_KEYS)
        assert [item for cell in row.cells for item in cell[1:]] == [
            f"Samling kl. {week.session_boegely.start_time:%H:%M}: Legegruppe"
        ]
        assert row.hours == 0

    def test_half_days_already_past_keep_what_the_plan_held(self, week):
        bob_leaves(week, "moved")
        wednesday = week.published.day(2)
        with time_machine.travel(datetime.datetime.combine(wednesday, datetime.time(12))):
            row = bobs_row(week)
        past = [cell for key, cell in zip(SLOT_KEYS, row.cells, strict=True) if key[0] < 2]
        ahead = [cell for key, cell in zip(SLOT_KEYS, row.cells, strict=True) if key[0] >= 2]
        assert all(LEFT not in cell for cell in past)
        assert all(cell[0] == LEFT for cell in ahead)


class TestTheDepartedRowInAProposal:
    """A proposal calculated before Bob left still has his visits; its grids mark them as the
    plan in force does, so Cora sees it where she reads the week, not only in the warning."""

    def grids(self, proposal):
        response = proposal.client_for(proposal.cora).get(proposal.proposal.get_absolute_url())
        assert response.status_code == 200
        return response.context["grids"], " ".join(response.content.decode().split())

    @pytest.mark.parametrize("how", HOW)
    def test_every_half_day_of_his_row_and_his_visits_say_he_left(self, proposal, how):
        visits = list(proposal.proposal.slots.filter(pedagogue=proposal.bob))
        grids, page = self.grids(proposal)
        assert LEFT not in page  # neither in the grids nor their legend

        bob_leaves(proposal, how)

        grids, page = self.grids(proposal)
        [row] = [r for r in grids["pedagogues"] if r.label == str(proposal.bob)]
        assert [cell[0] for cell in row.cells] == [LEFT] * len(SLOT_KEYS)
        assert row.hours == 0
        by_name = {r.label: r for r in grids["institutions"]}
        for slot in visits:
            cell = by_name[slot.institution.name].cells[SLOT_KEYS.index((slot.day, slot.half))]
            function = "S" if slot.function == "support" else "R"
            assert f"{proposal.bob.first_name} ({function}) – {LEFT}" in cell
        assert [item["reason"] for item in grids["sessions_not_kept"]] == [
            "pædagogen har forladt korpset"
        ]
        assert "Har forladt korpset: pædagogen er ikke længere i korpset og kommer ikke." in page
        # Pete, still in the corps, keeps his visits.
        [pete] = [r for r in grids["pedagogues"] if r.label == str(proposal.pete)]
        assert pete.hours > 0 and all(LEFT not in cell for cell in pete.cells)


def consequences_on(response) -> list[str]:
    assert response.status_code == 200
    [listed] = re.findall(
        r'data-testid="confirm-consequences">(.*?)</ul>', response.content.decode(), re.S
    )
    return [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]


class TestDeletingAnAbsenceOfOneWhoLeft:
    @pytest.fixture
    def absence(self, week):
        """Bob ill on a half-day the published plan has him at Bøgely, outside his session."""
        slot = next(s for s in week.bobs if s.institution == week.boegely and not s.for_session)
        day = week.published.day(slot.day)
        week.key = (slot.day, slot.half)
        return services.absence_add(
            actor=week.cora,
            pedagogue=week.bob,
            data={"start": day, "end": day, "part": ("am", "pm")[slot.half], "kind": "illness"},
        )

    def delete_url(self, week, absence) -> str:
        return reverse("planning-absence-delete", args=[week.contract_bob.public_id, absence.pk])

    @pytest.mark.parametrize("how", HOW)
    def test_the_page_does_not_promise_that_he_comes_or_is_planned(self, week, absence, how):
        cora = week.client_for(week.cora)
        lines = consequences_on(cora.get(self.delete_url(week, absence)))
        assert "Ved næste beregning af en uge kan pædagogen planlægges i de halve dage." in lines
        assert any(
            line.startswith(f"Den offentliggjorte ugeplan viser igen {week.bob}") for line in lines
        )

        bob_leaves(week, how)

        lines = consequences_on(cora.get(self.delete_url(week, absence)))
        assert lines[1:] == [
            f"{week.bob} har forladt korpset og planlægges ikke igen; besøg, som den "
            f"offentliggjorte ugeplan har fra {short_date(TODAY)}, bortfalder fortsat.",
            "Ugeplanerne herunder ændres ikke: en offentliggjort plan er læst af institutionerne.",
        ]

        response = cora.post(self.delete_url(week, absence), {"confirm": "yes"})
        assert response["Location"] == week.contract_bob.get_absolute_url()
        assert not Absence.objects.filter(pk=absence.pk).exists()
        # As the page said: the half-day still lapses, it does not show Bob coming.
        assert bobs_row(week).cells[SLOT_KEYS.index(week.key)] == [LEFT]
