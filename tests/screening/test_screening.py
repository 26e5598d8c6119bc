"""Early detection: Sara screens Solsikken at Bøgely (Mia and the children who join the room),
yellow and red need a follow-up, the round closes when everyone is rated, and the distribution
is shown with the statistics' disclosure rule."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.organisation.models import Room
from inklusio.reports.registry import build_table
from inklusio.screening import services
from inklusio.screening.models import ScreeningRating, ScreeningRound
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY, make_child

pytestmark = pytest.mark.django_db


def _url(screening_round) -> str:
    return reverse("screening-round", args=[screening_round.public_id])


def _fields(child, wellbeing="", development="", follow_up="", action="") -> dict:
    key = child.public_id.hex
    return {
        f"{key}-wellbeing": wellbeing,
        f"{key}-development": development,
        f"{key}-follow_up": follow_up,
        f"{key}-action": action,
    }


@pytest.fixture
def noah(cast):
    """A child who joined Solsikken after the round was opened: not rated yet."""
    return make_child(
        cast.ishoj, cast.boegely, "Noah", "0203234561", room=cast.screening_boegely.room
    )


class TestFillingIn:
    def test_sara_rates_the_room_and_the_round_logs_one_change(self, cast, client, noah):
        client.force_login(cast.sara)
        page = client.get(_url(cast.screening_boegely)).content.decode()
        assert "Mia Testesen" in page and "Noah Testesen" in page
        body = {
            "version": "1",
            **_fields(cast.mia, "green", "green"),
            **_fields(noah, "red", "yellow", "room", "Fast voksen ved aflevering"),
        }
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(_url(cast.screening_boegely), body, follow=True)
        assert "Vurderingerne er gemt." in response.content.decode()
        noah_rating = ScreeningRating.objects.get(child=noah)
        assert (noah_rating.wellbeing, noah_rating.development) == ("red", "yellow")
        assert noah_rating.action == "Fast voksen ved aflevering"
        mia_rating = ScreeningRating.objects.get(child=cast.mia)
        # Green needs nothing more: the meeting chosen when she was yellow goes.
        assert (mia_rating.wellbeing, mia_rating.follow_up) == ("green", "")
        (row,) = rows
        assert row.action == AuditAction.CHANGE
        assert row.object_id == str(cast.screening_boegely.public_id)
        assert {c.child_id for c in row.children.all()} == {
            cast.mia.public_id,
            noah.public_id,
        }
        assert row.changes["ratings"] == {"before": 1, "after": 2}

    def test_yellow_without_a_follow_up_is_refused_at_the_child_and_the_choice_is_kept(
        self, cast, client, noah
    ):
        client.force_login(cast.sara)
        body = {"version": "1", **_fields(noah, "green", "yellow")}
        response = client.post(_url(cast.screening_boegely), body)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Gul eller rød: vælg en opfølgning" in page
        assert "Vurderingen af 1 barn kunne ikke gemmes." in page
        assert (
            f'value="yellow" class="choice-list" id="id_{noah.public_id.hex}-development_1" checked'
            in page
        )
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_two_refused_children_are_counted_in_the_plural(self, cast, client, noah):
        client.force_login(cast.sara)
        body = {
            "version": "1",
            **_fields(cast.mia, "red", ""),
            **_fields(noah, "green", "yellow"),
        }
        page = client.post(_url(cast.screening_boegely), body).content.decode()
        assert "Vurderingerne af 2 børn kunne ikke gemmes. Se ved børnene herunder." in page
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_an_action_in_the_room_needs_its_text(self, cast, client, noah):
        client.force_login(cast.sara)
        body = {"version": "1", **_fields(noah, "red", "red", "room", "  ")}
        page = client.post(_url(cast.screening_boegely), body).content.decode()
        assert "Skriv kort, hvad I gør på stuen." in page
        assert not ScreeningRating.objects.filter(child=noah).exists()

    def test_one_light_without_the_other_is_refused(self, cast, client, noah):
        client.force_login(cast.sara)
        body = {"version": "1", **_fields(noah, "green", "")}
        page = client.post(_url(cast.screening_boegely), body).content.decode()
        assert "Vælg en farve for udvikling." in page

    def test_a_save_over_someone_elses_is_refused_with_what_they_changed(self, cast, client, noah):
        services.screening_round_fill(  # Carl's colleague saved while Sara had the form open
            actor=cast.sara,
            screening_round=cast.screening_boegely,
            ratings=[services.RatingInput(child=noah, wellbeing="green", development="green")],
            expected_version=1,
        )
        client.force_login(cast.sara)
        body = {"version": "1", **_fields(noah, "red", "red", "referral")}
        page = client.post(_url(cast.screening_boegely), body).content.decode()
        assert "Nogen har gemt ændringer, mens du redigerede." in page
        assert "Antal vurderede børn" in page
        assert ScreeningRating.objects.get(child=noah).wellbeing == "green"
        assert 'name="version" value="2"' in page
        # Saving again deliberately replaces it.
        body["version"] = "2"
        client.post(_url(cast.screening_boegely), body)
        assert ScreeningRating.objects.get(child=noah).wellbeing == "red"

    def test_the_follow_ups_link_to_the_meeting_and_the_referral(self, cast, client):
        client.force_login(cast.sara)
        page = client.get(_url(cast.screening_boegely)).content.decode()
        # Mia is yellow with a meeting item: the institution's next consultative meeting.
        assert reverse("consultative-detail", args=[cast.consultative_boegely.public_id]) in page
        assert "med navn kun med forældrenes samtykke" in page
        ScreeningRating.objects.filter(child=cast.mia).update(follow_up="referral")
        page = client.get(_url(cast.screening_boegely)).content.decode()
        assert "Lederen starter indstillingen." in page  # staff do not refer
        client.force_login(cast.alice)
        page = client.get(_url(cast.screening_boegely)).content.decode()
        assert f"{reverse('referral-create')}?barn={cast.mia.public_id}" in page

    def test_the_page_logs_each_child_once(self, cast, client, noah):
        client.force_login(cast.alice)
        with new_audit_rows() as rows:
            client.get(_url(cast.screening_boegely))
        (row,) = rows
        assert row.action == AuditAction.READ
        assert {c.child_id for c in row.children.all()} == {cast.mia.public_id, noah.public_id}


class TestWhoMay:
    def test_the_administration_reads_but_does_not_fill_in(self, cast, client):
        client.force_login(cast.alice)
        page = client.get(_url(cast.screening_boegely)).content.decode()
        assert "Gem vurderingerne" not in page and "Gul" in page
        body = {"version": "1", **_fields(cast.mia, "red", "red", "referral")}
        assert client.post(_url(cast.screening_boegely), body).status_code == 404
        assert ScreeningRating.objects.get(child=cast.mia).wellbeing == "yellow"

    def test_staff_who_moved_and_another_institution_get_404(self, cast, ended, client):
        body = {"version": "1", **_fields(cast.mia, "red", "red", "referral")}
        for user in (ended.mads, cast.carl, cast.dora, cast.bob, cast.pia, cast.gert):
            client.force_login(user)
            assert client.get(_url(cast.screening_boegely)).status_code == 404, user
            assert client.post(_url(cast.screening_boegely), body).status_code == 404, user
            close = reverse("screening-close", args=[cast.screening_boegely.public_id])
            assert client.post(close).status_code == 404, user
        assert ScreeningRating.objects.get(child=cast.mia).wellbeing == "yellow"

    def test_carl_opens_rounds_only_in_his_own_institution(self, cast, client):
        elverhoej_room = Room.objects.create(
            municipality=cast.ishoj, institution=cast.elverhoej, name="Bien"
        )
        client.force_login(cast.carl)
        body = {"room": cast.screening_boegely.room.pk, "half": "1", "year": str(TODAY.year)}
        response = client.post(reverse("screening-list"), body)
        (error,) = response.context["form"].errors["room"]
        assert error in response.content.decode()
        assert not ScreeningRound.objects.filter(institution=cast.elverhoej).exists()
        body["room"] = elverhoej_room.pk
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(reverse("screening-list"), body, follow=True)
        assert "Runden er åbnet." in response.content.decode()
        (row,) = rows
        assert (row.action, row.changes) == (
            AuditAction.CREATE,
            {"room": "Bien", "year": TODAY.year, "half": 1},
        )
        assert ScreeningRound.objects.filter(room=elverhoej_room).count() == 1
        page = client.post(reverse("screening-list"), body).content.decode()
        assert f"Bien har allerede en screeningsrunde i 1. halvår {TODAY.year}." in page

    def test_a_round_opened_twice_at_the_same_moment_is_refused_in_danish(self, cast):
        """Carl's double click: both requests look first and find no round; the database's
        constraint lets one open it, and the other gets the message a late opener gets."""
        room = Room.objects.create(municipality=cast.ishoj, institution=cast.elverhoej, name="Bien")
        opened = False

        def the_other_click_opens_it_just_after_the_look_up(execute, sql, params, many, context):
            nonlocal opened
            result = execute(sql, params, many, context)
            if not opened and sql.startswith("SELECT") and '"screening_screeninground"' in sql:
                opened = True
                ScreeningRound.objects.create(
                    municipality=cast.ishoj,
                    institution=cast.elverhoej,
                    room=room,
                    year=TODAY.year,
                    half=1,
                    opened_on=TODAY,
                    opened_by=cast.carl,
                )
            return result

        with (
            connection.execute_wrapper(the_other_click_opens_it_just_after_the_look_up),
            pytest.raises(services.ScreeningRuleBroken) as refused,
        ):
            services.screening_round_open(actor=cast.carl, room=room, year=TODAY.year, half=1)
        assert (
            str(refused.value) == f"Bien har allerede en screeningsrunde i 1. halvår {TODAY.year}."
        )
        assert ScreeningRound.objects.filter(room=room).count() == 1

    def test_a_closed_round_can_no_longer_be_changed(self, cast, client):
        ScreeningRound.objects.filter(pk=cast.screening_boegely.pk).update(closed_on=TODAY)
        client.force_login(cast.sara)
        body = {"version": "1", **_fields(cast.mia, "red", "red", "referral")}
        assert client.post(_url(cast.screening_boegely), body).status_code == 404
        assert "Gem vurderingerne" not in client.get(_url(cast.screening_boegely)).content.decode()


class TestClosing:
    def test_a_round_with_an_unrated_child_is_not_closed(self, cast, client, noah):
        client.force_login(cast.sara)
        close = reverse("screening-close", args=[cast.screening_boegely.public_id])
        response = client.post(close, follow=True)
        assert "1 barn mangler en vurdering." in response.content.decode()
        cast.screening_boegely.refresh_from_db()
        assert cast.screening_boegely.closed_on is None

    def test_closing_counts_the_round_in_the_statistics(self, cast, client):
        assert build_table("screening", cast.ishoj).rows == []  # open rounds do not count
        client.force_login(cast.sara)
        close = reverse("screening-close", args=[cast.screening_boegely.public_id])
        with new_audit_rows(writes_only=True) as rows:
            response = client.post(close, follow=True)
        assert "Runden er afsluttet og tæller nu med i statistikken." in response.content.decode()
        (row,) = rows
        assert row.changes["closed_on"]["after"] == TODAY.isoformat()
        period = f"{'1.' if TODAY.month <= 6 else '2.'} halvår {TODAY.year}"
        assert build_table("screening", cast.ishoj).rows == [
            [period, "Bøgely", "Solsikken", 0, 1, 0, 1, 1]
        ]


def _closed_round(cast, name: str, lights: list[tuple[str, str]], year: int) -> ScreeningRound:
    room = Room.objects.create(municipality=cast.ishoj, institution=cast.boegely, name=name)
    screening_round = ScreeningRound.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        room=room,
        year=year,
        half=1,
        opened_on=TODAY,
        opened_by=cast.sara,
        closed_on=TODAY,
    )
    for i, (wellbeing, development) in enumerate(lights):
        child = make_child(
            cast.ishoj, cast.boegely, f"{name}{i}", f"{1 + i:02d}0622{4000 + i + 20 * year % 7:04d}"
        )
        ScreeningRating.objects.create(
            municipality=cast.ishoj,
            round=screening_round,
            child=child,
            wellbeing=wellbeing,
            development=development,
            follow_up="" if wellbeing == development == "green" else "room",
            action="Handling",
            rated_by=cast.sara,
            rated_on=TODAY,
        )
    return screening_round


class TestDisclosure:
    """The same rule as every statistics table: 1–4 children as "<5", more rounded down to a
    multiple of five (10 stands for 10–14), in the table, the page, the file and the round list."""

    @pytest.fixture
    def figures(self, cast):
        # Myretuen: 7 green and 3 yellow (one of them only on development): 10 children.
        lights = [("green", "green")] * 7 + [("yellow", "green")] * 2 + [("green", "yellow")]
        _closed_round(cast, "Myretuen", lights, TODAY.year)
        return cast

    def test_the_table_counts_the_worse_light_and_suppresses_small_numbers(self, figures):
        table = build_table("screening", figures.ishoj)
        period = f"1. halvår {TODAY.year}"
        assert table.rows == [[period, "Bøgely", "Myretuen", 7, 3, 0, 3, 10]]
        assert table.suppressed().rows == [[period, "Bøgely", "Myretuen", 5, "<5", 0, "<5", 10]]

    def test_every_channel_shows_the_suppressed_figures(self, figures, client):
        client.force_login(figures.alice)
        page = client.get(reverse("statistics-table", args=["screening"])).content.decode()
        assert "&lt;5" in page and "Myretuen" in page
        assert "forebyggende arbejde, som evalueringen ikke kunne dokumentere" in page
        csv = client.get(reverse("statistics-download", args=["screening", "csv"]))
        text = b"".join(csv.streaming_content) if csv.streaming else csv.content
        assert "Myretuen;5;<5;0;<5;10" in text.decode("utf-8-sig")
        client.force_login(figures.sara)  # the institution's own overview
        page = client.get(reverse("screening-list")).content.decode()
        assert "Fordeling pr. stue over tid" in page
        assert '<td class="text-right">&lt;5</td>' in page
        assert "evalueringen ikke kunne dokumentere" in page

    def test_the_leader_sees_only_their_own_institution(self, figures, client):
        client.force_login(figures.carl)
        page = client.get(reverse("screening-list")).content.decode()
        assert "Myretuen" not in page
        assert "Ingen tal i den valgte periode." in page

    def test_the_years_filter_the_table(self, figures):
        _closed_round(figures, "Bikuben", [("red", "red")], TODAY.year - 1)
        table = build_table(
            "screening", figures.ishoj, year_from=TODAY.year - 1, year_to=TODAY.year - 1
        )
        assert [row[2] for row in table.rows] == ["Bikuben"]
        assert table.rows[0][5] == 1


def test_the_command_prints_the_suppressed_table(cast):
    import io

    from django.core.management import call_command

    _closed_round(cast, "Myretuen", [("red", "green")] * 6, TODAY.year)
    out = io.StringIO()
    call_command("statistics", "screening", "--municipality", "ishoj", stdout=out)
    assert "Bøgely,Myretuen,0,0,5,5,5" in out.getvalue()


def test_the_demo_has_closed_and_open_rounds(db):
    from django.core.management import call_command

    call_command("load_demo")
    assert ScreeningRound.objects.filter(closed_on__isnull=False).exists()
    assert ScreeningRound.objects.filter(closed_on__isnull=True).exists()
    assert ScreeningRating.objects.exclude(follow_up="").exists()
    assert datetime.date.today()  # the demo follows the frozen clock


def test_the_childs_page_shows_her_lights_to_the_institution_only(cast, client):
    url = reverse("child-detail", args=[cast.mia.public_id])
    client.force_login(cast.sara)
    page = client.get(url).content.decode()
    assert "Tidlig opsporing" in page
    assert 'trivsel <span class="light light-yellow">gul</span>' in page
    assert "Punkt på konsultativt møde" in page
    client.force_login(cast.bob)  # the pedagogue sees Mia, not the institution's screening
    assert "Tidlig opsporing" not in client.get(url).content.decode()
