"""A week has one open proposal. "Beregn ugeplan" pressed twice, or by two corps leaders at
once, never leaves two proposals of the same week for them to edit and publish side by side:
calculating a week that has a proposal calculates that proposal again (its hand-edited
half-days kept, the proposal marked replaced), and a calculation that would stand beside it is
refused in Danish, naming the proposal there is. The database settles two stored at once."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from inklusio.audit.models import AuditEntry
from inklusio.planning import services, solver
from inklusio.planning.models import PlanSlot, WeeklyPlan
from tests.audit_rows import new_audit_rows
from tests.conftest import make_user
from tests.planning.conftest import MONDAY

OVERVIEW = reverse("planning-overview")
WEEK = f"Uge {MONDAY.isocalendar().week}"
ALREADY = f"{WEEK} har allerede et forslag, beregnet af Cora Testesen"
CHANGED = "Planen blev ændret, mens ugen blev beregnet, så beregningen er ikke gemt"


def open_proposals(corps, week=MONDAY) -> list[WeeklyPlan]:
    return list(
        WeeklyPlan.objects.filter(
            municipality=corps.ishoj, week_start=week, status=WeeklyPlan.Status.PROPOSED
        )
    )


def calculate(client) -> object:
    return client.post(OVERVIEW, {"week_start": MONDAY.isoformat(), "time_limit": 2})


def pete_friday_afternoon(plan) -> PlanSlot | None:
    return PlanSlot.objects.filter(plan=plan, pedagogue__username="pete", day=4, half=1).first()


def hand_edit(corps, plan) -> None:
    services.slot_set(
        actor=corps.cora, plan=plan, pedagogue=corps.pete, day=4, half=1,
        institution=corps.elverhoej, function="resource", version=plan.version,
    )  # fmt: skip


class TestCalculatingAWeekTwice:
    def test_the_second_calculation_replaces_the_proposal_and_keeps_its_hand_edits(
        self, corps, client_for
    ):
        client = client_for(corps.cora)
        assert calculate(client).status_code == 302
        [first] = open_proposals(corps)
        hand_edit(corps, first)

        again = calculate(client)
        assert again.status_code == 302
        [second] = open_proposals(corps)  # one open proposal of the week
        assert second != first and again["Location"] == second.get_absolute_url()
        first.refresh_from_db()
        assert first.status == WeeklyPlan.Status.REPLACED  # kept, as replaced
        assert second.based_on == first
        kept = pete_friday_afternoon(second)
        assert (kept.institution, kept.locked) == (corps.elverhoej, True)
        page = client.get(again["Location"]).content.decode()
        assert "Ugen er beregnet igen. Det forslag, der lå, er erstattet" in page
        # The replacement is in the log, as a new calculation's is.
        entry = AuditEntry.objects.get(object_id=str(second.public_id))
        assert entry.changes["replaces"]["after"] == str(first.public_id)

    def test_the_overview_says_what_pressing_again_does(self, corps, client_for):
        page = client_for(corps.cora).get(OVERVIEW).content.decode()
        assert "Har ugen allerede et forslag, beregnes forslaget igen" in page

    def test_a_calculation_beside_the_proposal_from_the_published_plan_is_refused(
        self, corps, client_for
    ):
        """The week is published and someone has made a proposal for it since: calculating
        again from the published plan would add a second proposal."""
        published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        services.plan_publish(actor=corps.cora, plan=published)
        proposal = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        client = client_for(corps.cora)
        with new_audit_rows(writes_only=True) as written:
            response = client.post(reverse("planning-resolve", args=[published.public_id]))
        assert response["Location"] == proposal.get_absolute_url()  # to the week's proposal
        page = client.get(response["Location"]).content.decode()
        assert escape(ALREADY) in page
        assert "Ugen har kun ét forslag ad gangen" in page
        assert open_proposals(corps) == [proposal]
        published.refresh_from_db()
        assert published.status == WeeklyPlan.Status.PUBLISHED  # nothing replaced
        assert written == []

    def test_covering_an_absence_beside_the_proposal_is_refused(self, corps, client_for):
        published = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        services.plan_publish(actor=corps.cora, plan=published)
        proposal = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)

        response = client_for(corps.cora).post(
            reverse("planning-replan", args=[published.public_id]),
            {"pedagogue": corps.bob.pk, "kind": "illness", "slots": ["0-0"]},
        )
        assert response.status_code == 200
        assert response.context["replan_form"].non_field_errors()[0].startswith(ALREADY)
        assert open_proposals(corps) == [proposal]
        assert not corps.bob.absences.exists()  # nothing of the refused re-plan is kept

    def test_a_hand_edit_while_the_week_is_calculated_is_not_lost(self, corps, monkeypatch):
        """The calculation keeps the locked half-days it read before the solver ran: an edit of
        the proposal meanwhile would be missing from the new one, so it is refused."""
        proposal = services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        solve = solver.solve

        def edited_while_solving(problem, **kwargs):
            hand_edit(corps, WeeklyPlan.objects.get(pk=proposal.pk))
            return solve(problem, **kwargs)

        monkeypatch.setattr(solver, "solve", edited_while_solving)
        with pytest.raises(services.PlanningError, match=CHANGED):
            services.plan_week(actor=corps.cora, week_start=MONDAY, time_limit_s=2)
        assert open_proposals(corps) == [proposal]
        assert pete_friday_afternoon(proposal).institution == corps.elverhoej

    def test_the_database_holds_one_open_proposal_a_week(self, corps):
        with pytest.raises(IntegrityError), transaction.atomic():
            WeeklyPlan.objects.create(
                municipality=corps.ishoj, week_start=MONDAY, created_by=corps.cora
            )
        # Published and replaced plans of the week are not proposals.
        WeeklyPlan.objects.create(
            municipality=corps.ishoj,
            week_start=MONDAY,
            created_by=corps.cora,
            status=WeeklyPlan.Status.PUBLISHED,
        )
        assert open_proposals(corps) == [corps.plan]


def _at_once(users, hold) -> dict[str, object]:
    """Each user presses "Beregn ugeplan" on their own connection; `hold(barrier)` returns the
    execute wrapper that makes them wait for each other."""
    barrier = threading.Barrier(len(users), timeout=60)
    responses: dict[str, object] = {}
    errors: dict[str, BaseException] = {}

    def press(user):
        client = Client()
        try:
            client.force_login(user)
            with connection.execute_wrapper(hold(barrier)):
                responses[user.username] = calculate(client)
        except BaseException as error:
            errors[user.username] = error
        finally:
            # A press that ends without reaching the barrier must not leave the other waiting
            # for a timeout (a faked clock, as CI's `faketime` run has, may never end it);
            # after both have passed it, breaking it changes nothing.
            barrier.abort()
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return responses


def _assert_one_proposal_and_one_refusal(corps, responses) -> None:
    [proposal] = open_proposals(corps)
    made = [name for name, r in responses.items() if r.status_code == 302]
    refused = [name for name, r in responses.items() if r.status_code == 200]
    answers = {name: (r.status_code, r.get("Location")) for name, r in responses.items()}
    assert len(made) == 1 and len(refused) == 1, answers
    assert responses[made[0]]["Location"] == proposal.get_absolute_url()
    assert proposal.created_by.username == made[0]
    [message] = responses[refused[0]].context["form"].non_field_errors()
    maker = proposal.created_by.get_full_name()
    assert message.startswith(f"{WEEK} har allerede et forslag, beregnet af {maker}")


@pytest.fixture
def two_leaders(corps):
    """Cora and Conny lead the corps; the week has no proposal yet."""
    WeeklyPlan.objects.filter(pk=corps.plan.pk).delete()
    corps.conny = make_user("conny", corps.ishoj, corps.cora.role)
    return corps


@pytest.mark.django_db(transaction=True)
def test_two_leaders_calculating_the_same_week_at_once_leave_one_proposal(two_leaders):
    """Both press while the week has no proposal and solve side by side (held after the
    solver's first look at the week, so neither has stored anything yet)."""
    if connection.vendor != "postgresql":
        # Seen in a full SQLite run: one press held SQLite's single write lock at the barrier,
        # so the other waited for it until SQLite's busy timeout ("database is locked").
        pytest.skip("SQLite admits one writer: two presses cannot solve side by side")

    def hold_after_reading_the_corps(barrier):
        held = False

        def wrapper(execute, sql, params, many, context):
            nonlocal held
            result = execute(sql, params, many, context)
            if not held and '"planning_contract"' in sql:
                held = True
                barrier.wait()
            return result

        return wrapper

    corps = two_leaders
    responses = _at_once([corps.cora, corps.conny], hold_after_reading_the_corps)
    _assert_one_proposal_and_one_refusal(corps, responses)


@pytest.mark.django_db(transaction=True)
def test_two_proposals_stored_at_the_same_moment_are_settled_by_the_database(two_leaders):
    """Both have checked that the week has no proposal and are about to store theirs: the
    unique constraint lets one in, and the other is refused with the same message."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: the check settles it")

    def hold_before_storing(barrier):
        held = False

        def wrapper(execute, sql, params, many, context):
            nonlocal held
            if not held and sql.startswith('INSERT INTO "planning_weeklyplan"'):
                held = True
                barrier.wait()
            return execute(sql, params, many, context)

        return wrapper

    corps = two_leaders
    responses = _at_once([corps.cora, corps.conny], hold_before_storing)
    _assert_one_proposal_and_one_refusal(corps, responses)
