"""What Sara and the audit log would notice if the screening's services went slightly wrong:
the exact Danish refusals, which field a problem is shown at, what is stored for each light,
when a form counts as a change, and the audit rows of opening, filling in and closing."""

import pytest

from inklusio.audit.models import AuditAction
from inklusio.core.errors import EditConflict
from inklusio.organisation.models import Room
from inklusio.people.models import Role
from inklusio.screening import services
from inklusio.screening.models import ScreeningRating, ScreeningRound
from inklusio.screening.services import RatingInput
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child, make_user

pytestmark = pytest.mark.django_db

THIS_HALF = 1 if TODAY.month <= 6 else 2
OTHER_HALF = 3 - THIS_HALF
THIS_PERIOD = f"{THIS_HALF}. halvår {TODAY.year}"

WELLBEING = "Vælg en farve for trivsel."
DEVELOPMENT = "Vælg en farve for udvikling."
FOLLOW_UP = "Gul eller rød: vælg en opfølgning (handling på stuen, møde eller indstilling)."
ACTION = "Skriv kort, hvad I gør på stuen."
CLOSED = "Runden er afsluttet og kan ikke længere ændres."
UNCHANGED = "Ingen vurderinger er ændret, så der er intet at gemme."
ALREADY_CLOSED = "Runden er allerede afsluttet."


@pytest.fixture
def noah(cast):
    """A child who joined Solsikken after the round was opened: not rated yet."""
    return make_child(
        cast.ishoj, cast.boegely, "Noah", "0203234561", room=cast.screening_boegely.room
    )


@pytest.fixture
def lise(cast):
    """Sara's colleague in Solsikken."""
    return make_user("lise", cast.ishoj, Role.STAFF, institution=cast.boegely)


def fill(cast, *ratings, actor=None, version=None, screening_round=None):
    """The ratings saved from a form opened just before (`version`: one opened earlier)."""
    screening_round = screening_round or cast.screening_boegely
    if version is None:
        version = ScreeningRound.objects.get(pk=screening_round.pk).version
    return services.screening_round_fill(
        actor=actor or cast.sara,
        screening_round=screening_round,
        ratings=list(ratings),
        expected_version=version,
    )


def rating_of(child) -> tuple:
    rating = ScreeningRating.objects.get(child=child)
    return (rating.wellbeing, rating.development, rating.follow_up, rating.action)


class TestOpening:
    def test_a_room_of_another_institution_is_refused_in_danish(self, cast):
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_open(
                actor=cast.carl, room=cast.screening_boegely.room, year=TODAY.year + 1, half=1
            )
        assert str(refused.value) == "Du kan kun åbne screeninger på stuer i din egen institution."
        assert not ScreeningRound.objects.filter(year=TODAY.year + 1).exists()

    def test_the_room_opens_again_in_the_other_half_and_next_year_and_other_rooms_now(self, cast):
        solsikken = cast.screening_boegely.room
        other_half = services.screening_round_open(
            actor=cast.sara, room=solsikken, year=TODAY.year, half=OTHER_HALF
        )
        next_year = services.screening_round_open(
            actor=cast.sara, room=solsikken, year=TODAY.year + 1, half=THIS_HALF
        )
        room = Room.objects.create(
            municipality=cast.ishoj, institution=cast.boegely, name="Mælkebøtten"
        )
        other_room = services.screening_round_open(
            actor=cast.sara, room=room, year=TODAY.year, half=THIS_HALF
        )
        assert [(r.room.name, r.year, r.half) for r in (other_half, next_year, other_room)] == [
            ("Solsikken", TODAY.year, OTHER_HALF),
            ("Solsikken", TODAY.year + 1, THIS_HALF),
            ("Mælkebøtten", TODAY.year, THIS_HALF),
        ]
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_open(
                actor=cast.sara, room=solsikken, year=TODAY.year, half=THIS_HALF
            )
        assert str(refused.value) == f"Solsikken har allerede en screeningsrunde i {THIS_PERIOD}."
        assert ScreeningRound.objects.filter(room=solsikken).count() == 3

    def test_the_opened_round_says_where_when_and_who_and_is_logged(self, cast):
        room = Room.objects.create(
            municipality=cast.ishoj, institution=cast.boegely, name="Mælkebøtten"
        )
        with new_audit_rows() as rows:
            opened = services.screening_round_open(
                actor=cast.sara, room=room, year=TODAY.year, half=THIS_HALF
            )
        stored = ScreeningRound.objects.get(room=room)
        assert opened == stored
        assert (
            stored.municipality,
            stored.institution,
            stored.year,
            stored.half,
            stored.opened_on,
            stored.opened_by,
            stored.closed_on,
            stored.version,
        ) == (cast.ishoj, cast.boegely, TODAY.year, THIS_HALF, TODAY, cast.sara, None, 1)
        (row,) = rows
        assert (row.action, row.object_type, row.object_id, row.actor) == (
            AuditAction.CREATE,
            "screeninground",
            str(stored.public_id),
            cast.sara,
        )
        assert row.changes == {"room": "Mælkebøtten", "year": TODAY.year, "half": THIS_HALF}


class TestProblems:
    @pytest.mark.parametrize(
        ("lights", "expected"),
        [
            (("", "", "meeting", ""), [("wellbeing", WELLBEING)]),
            (("", "", "", "Fast voksen"), [("wellbeing", WELLBEING)]),
            (("", "red", "referral", ""), [("wellbeing", WELLBEING)]),
            (("red", "", "referral", ""), [("development", DEVELOPMENT)]),
            (("", "red", "", ""), [("wellbeing", WELLBEING), ("follow_up", FOLLOW_UP)]),
            (("green", "red", "", ""), [("follow_up", FOLLOW_UP)]),
            (("red", "green", "", ""), [("follow_up", FOLLOW_UP)]),
            (("yellow", "green", "", ""), [("follow_up", FOLLOW_UP)]),
            (("green", "yellow", "", ""), [("follow_up", FOLLOW_UP)]),
            (("red", "red", "room", " "), [("action", ACTION)]),
        ],
    )
    def test_each_missing_choice_is_shown_at_its_own_field(self, cast, noah, lights, expected):
        wellbeing, development, follow_up, action = lights
        item = RatingInput(noah, wellbeing, development, follow_up, action)
        with pytest.raises(services.RatingsIncomplete) as refused:
            fill(cast, item)
        assert [(p.child, p.field, p.message) for p in refused.value.problems] == [
            (noah, field, message) for field, message in expected
        ]
        # One child, however many problems it has.
        assert str(refused.value) == (
            "Vurderingen af 1 barn kunne ikke gemmes. Se ved barnet herunder."
        )
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_a_meeting_or_a_referral_needs_no_text(self, cast, noah, lise):
        fill(cast, RatingInput(noah, "red", "yellow", "meeting"))
        fill(cast, RatingInput(noah, "yellow", "red", "referral"), actor=lise)
        assert rating_of(noah) == ("yellow", "red", "referral", "")


class TestWhatIsStored:
    def test_green_drops_a_follow_up_and_its_text_chosen_before(self, cast, noah):
        fill(cast, RatingInput(noah, "green", "green", "room", "Fast voksen"))
        assert rating_of(noah) == ("green", "green", "", "")

    def test_yellow_keeps_its_meeting_but_not_a_text_meant_for_the_room(self, cast, noah):
        fill(cast, RatingInput(noah, "yellow", "green", "meeting", "Fast voksen"))
        assert rating_of(noah) == ("yellow", "green", "meeting", "")

    def test_a_room_action_is_stored_without_surrounding_spaces_with_who_and_when(self, cast, noah):
        fill(cast, RatingInput(noah, "green", "red", "room", "  Fast voksen  "))
        rating = ScreeningRating.objects.get(child=noah)
        assert rating_of(noah) == ("green", "red", "room", "Fast voksen")
        assert (rating.round, rating.municipality, rating.rated_by, rating.rated_on) == (
            cast.screening_boegely,
            cast.ishoj,
            cast.sara,
            TODAY,
        )

    def test_a_colleague_changes_one_childs_rating_and_only_that(self, cast, noah, lise):
        fill(cast, RatingInput(noah, "green", "green"))
        fill(cast, RatingInput(cast.mia, "red", "red", "referral"), actor=lise)
        mia = ScreeningRating.objects.get(child=cast.mia)
        assert rating_of(cast.mia) == ("red", "red", "referral", "")
        assert (mia.rated_by, mia.rated_on) == (lise, TODAY)
        noahs = ScreeningRating.objects.get(child=noah)
        assert rating_of(noah) == ("green", "green", "", "")
        assert noahs.rated_by == cast.sara
        assert ScreeningRating.objects.filter(round=cast.screening_boegely).count() == 2


class TestWhatCountsAsAChange:
    def test_the_same_answers_again_are_refused_and_nothing_is_logged(self, cast):
        with new_audit_rows() as rows, pytest.raises(services.ScreeningRuleBroken) as refused:
            fill(cast, RatingInput(cast.mia, "yellow", "green", "meeting"))
        assert str(refused.value) == UNCHANGED
        assert rows == []
        assert ScreeningRound.objects.get(pk=cast.screening_boegely.pk).version == 1

    def test_the_same_action_text_with_spaces_is_no_change(self, cast):
        ScreeningRating.objects.filter(child=cast.mia).update(follow_up="room", action="Ro")
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            fill(cast, RatingInput(cast.mia, "yellow", "green", "room", "  Ro "))
        assert str(refused.value) == UNCHANGED

    @pytest.mark.parametrize(
        "answers",
        [
            ("red", "green", "room", "Ro"),
            ("yellow", "yellow", "room", "Ro"),
            ("yellow", "green", "referral", "Ro"),
            ("yellow", "green", "room", "Ro og fast voksen"),
        ],
    )
    def test_each_answer_alone_is_a_change(self, cast, answers):
        ScreeningRating.objects.filter(child=cast.mia).update(follow_up="room", action="Ro")
        saved = fill(cast, RatingInput(cast.mia, *answers))
        assert saved.version == 2
        assert rating_of(cast.mia)[:3] == answers[:3]

    def test_a_child_left_without_lights_keeps_their_rating(self, cast, noah):
        with new_audit_rows() as rows:
            fill(cast, RatingInput(cast.mia), RatingInput(noah, "green", "green"))
        assert rating_of(cast.mia) == ("yellow", "green", "meeting", "")
        (row,) = rows
        assert row.changes["changed_ratings"] == 1
        assert row.child_id == noah.public_id


class TestTheLog:
    def test_one_child_saved_is_logged_on_that_child_with_counts_and_version(self, cast, noah):
        with new_audit_rows() as rows:
            saved = fill(cast, RatingInput(noah, "green", "green"), version=1)
        assert saved.version == 2
        assert saved == cast.screening_boegely
        assert ScreeningRound.objects.get(pk=cast.screening_boegely.pk).version == 2
        (row,) = rows
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CHANGE,
            "screeninground",
            str(cast.screening_boegely.public_id),
        )
        assert row.changes == {
            "version": {"before": 1, "after": 2},
            "ratings": {"before": 1, "after": 2},
            "changed_ratings": 1,
        }
        assert (row.child_id, row.child_name) == (noah.public_id, "Noah Testesen")
        assert [c.child_id for c in row.children.all()] == [noah.public_id]

    def test_two_children_saved_are_logged_as_a_list_without_a_single_child(self, cast, noah):
        with new_audit_rows() as rows:
            fill(
                cast,
                RatingInput(cast.mia, "red", "green", "meeting"),
                RatingInput(noah, "green", "green"),
            )
        (row,) = rows
        assert row.child_id is None
        assert {c.child_id for c in row.children.all()} == {cast.mia.public_id, noah.public_id}
        assert row.changes["changed_ratings"] == 2
        assert row.changes["ratings"] == {"before": 1, "after": 2}


class TestFillRefusals:
    def test_staff_of_another_institution_are_refused_in_danish(self, cast, noah):
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            fill(cast, RatingInput(noah, "green", "green"), actor=cast.carl)
        assert str(refused.value) == CLOSED
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_a_round_closed_while_the_form_was_open_is_refused(self, cast, noah):
        ScreeningRound.objects.filter(pk=cast.screening_boegely.pk).update(closed_on=TODAY)
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            fill(cast, RatingInput(noah, "green", "green"))
        assert str(refused.value) == CLOSED
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_with_an_old_version_the_save_is_refused_and_with_the_current_one_it_goes_through(
        self, cast, noah
    ):
        ScreeningRound.objects.filter(pk=cast.screening_boegely.pk).update(version=3)
        with pytest.raises(EditConflict) as conflict:
            fill(cast, RatingInput(noah, "green", "green"), version=2)
        assert conflict.value.current.version == 3
        assert not ScreeningRating.objects.filter(child=noah).exists()
        assert fill(cast, RatingInput(noah, "green", "green"), version=3).version == 4
        assert fill(cast, RatingInput(noah, "red", "red", "meeting"), version=4).version == 5


class TestClosing:
    def test_the_unrated_children_are_counted_in_the_refusal(self, cast, noah):
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.sara, screening_round=cast.screening_boegely)
        assert str(refused.value) == (
            "1 barn mangler en vurdering. Vurdér barnet, før runden afsluttes."
        )
        make_child(cast.ishoj, cast.boegely, "Ida", "0405234562", room=noah.room)
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.sara, screening_round=cast.screening_boegely)
        assert str(refused.value) == (
            "2 børn mangler en vurdering. Vurdér dem, før runden afsluttes."
        )
        assert ScreeningRound.objects.get(pk=cast.screening_boegely.pk).closed_on is None

    def test_a_closed_round_or_another_institution_is_refused_in_danish(self, cast):
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.carl, screening_round=cast.screening_boegely)
        assert str(refused.value) == ALREADY_CLOSED
        assert ScreeningRound.objects.get(pk=cast.screening_boegely.pk).closed_on is None
        closed = services.screening_round_close(
            actor=cast.sara, screening_round=cast.screening_boegely
        )
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.sara, screening_round=closed)
        assert str(refused.value) == ALREADY_CLOSED

    def test_a_round_closed_meanwhile_is_not_closed_again(self, cast):
        ScreeningRound.objects.filter(pk=cast.screening_boegely.pk).update(closed_on=TODAY)
        with new_audit_rows() as rows, pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.sara, screening_round=cast.screening_boegely)
        assert str(refused.value) == ALREADY_CLOSED
        assert rows == []
        stored = ScreeningRound.objects.get(pk=cast.screening_boegely.pk)
        assert (stored.closed_by, stored.version) == (None, 1)

    def test_a_round_without_ratings_is_not_closed(self, cast):
        room = Room.objects.create(
            municipality=cast.ishoj, institution=cast.boegely, name="Mælkebøtten"
        )
        empty = services.screening_round_open(
            actor=cast.sara, room=room, year=TODAY.year, half=THIS_HALF
        )
        with pytest.raises(services.ScreeningRuleBroken) as refused:
            services.screening_round_close(actor=cast.sara, screening_round=empty)
        assert str(refused.value) == "Runden har ingen vurderinger endnu."
        assert ScreeningRound.objects.get(pk=empty.pk).closed_on is None

    def test_closing_records_who_and_when_and_logs_the_version(self, cast):
        with new_audit_rows() as rows:
            closed = services.screening_round_close(
                actor=cast.sara, screening_round=cast.screening_boegely
            )
        stored = ScreeningRound.objects.get(pk=cast.screening_boegely.pk)
        assert closed == stored
        assert (closed.closed_on, closed.closed_by, closed.version) == (TODAY, cast.sara, 2)
        assert (stored.closed_on, stored.closed_by, stored.version) == (TODAY, cast.sara, 2)
        (row,) = rows
        assert (row.action, row.object_type, row.object_id) == (
            AuditAction.CHANGE,
            "screeninground",
            str(cast.screening_boegely.public_id),
        )
        assert row.changes == {
            "closed_on": {"before": None, "after": TODAY.isoformat()},
            "version": {"before": 1, "after": 2},
        }
