"""Resource courses as the pedagogue and the institution run them."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses import selectors, services
from inklusio.courses.models import Course, EffectMeasure, Participant, ResourceTask, Session
from inklusio.people.models import Role, User
from inklusio.reports.registry import build_table
from tests.audit_rows import children_read, new_audit_rows
from tests.conftest import TODAY, last_weeks_session, make_child, make_user
from tests.inline_forms import shown_form

pytestmark = pytest.mark.django_db

NEEDS_EVALUATION = "Udfyld evalueringen: mål, hverdagspraksis og en kort vurdering."
HELD_FROM_ITS_DAY = (
    "Samlingen er planlagt til {day} og kan først registreres som gennemført fra den dag."
)


def page_title(html: str) -> str:
    """The page's <title>, as the browser's tab shows it."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, "the page has no <title>"
    return " ".join(found.group(1).split())


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(
        "\n", " "
    )


@pytest.fixture
def kids(cast):
    """Four more children at Bøgely."""
    return [
        make_child(cast.ishoj, cast.boegely, name, f"0101224{i:03d}")
        for i, name in enumerate(["Ali", "Bo", "Cy", "Di"])
    ]


def post_course_edit(client, course, **typed):
    """The course's edit form sent as it opens (its saved values and version), with `typed`
    over them."""
    saved = {
        "kind": course.kind,
        "title": course.title,
        "goals": course.goals,
        "start": str(course.start),
        "planned_end": str(course.planned_end),
        "pedagogue": course.pedagogue_id,
        "coordinator": "pedagogue",
        "version": course.version,
    }
    return client.post(reverse("course-edit", args=[course.public_id]), {**saved, **typed})


def measure(cast, participant, phase, score):
    values = dict.fromkeys(EffectMeasure.DIMENSIONS, score)
    return services.measure_record(
        actor=cast.bob, participant=participant, phase=phase, data=values
    )


class TestTasksAndCourses:
    def test_the_leader_defines_the_resource_task(self, cast, client_for):
        carl = client_for(cast.carl)
        response = carl.post(
            reverse("task-create"),
            {
                "institution": cast.elverhoej.pk,
                "usage": "observation",
                "problem": "Uro ved frokost",
            },
        )
        task = ResourceTask.objects.get(institution=cast.elverhoej)
        assert response["Location"] == task.get_absolute_url()
        assert task.created_by == cast.carl
        # A leader only defines tasks for their own institution.
        response = carl.post(
            reverse("task-create"),
            {"institution": cast.boegely.pk, "usage": "sparring", "problem": "x"},
        )
        assert "institution" in response.context["form"].errors

    def test_a_mangled_task_link_opens_the_form_without_a_task(self, cast, client_for):
        """`?opgave=` that is no id is ignored: the form opens as "Nyt ressourceforløb"."""
        bob = client_for(cast.bob)
        response = bob.get(reverse("course-create") + "?opgave=ikke-et-id")
        assert response.status_code == 200
        assert response.context["task"] is None
        response = bob.get(reverse("course-create") + f"?opgave={cast.task_boegely.public_id}")
        assert response.context["task"] == cast.task_boegely

    def test_a_course_cannot_end_before_it_starts_and_keeps_the_typing(self, cast, client_for):
        response = client_for(cast.bob).post(
            reverse("course-create"),
            {
                "institution": cast.boegely.pk,
                "kind": "group",
                "title": "Venskabsgruppe",
                "goals": "Flere venskaber",
                "start": "2026-12-01",
                "planned_end": "2026-11-01",
                "pedagogue": cast.bob.pk,
                "coordinator": "pedagogue",
            },
        )
        assert response.context["form"].errors["planned_end"] == [
            "Forløbet kan ikke slutte, før det starter."
        ]
        assert "Venskabsgruppe" in response.content.decode()

    def test_a_course_lasts_about_half_a_year_unless_told_otherwise(self, cast, client_for):
        client_for(cast.bob).post(
            reverse("course-create") + f"?opgave={cast.task_boegely.public_id}",
            {
                "institution": cast.boegely.pk,
                "kind": "individual",
                "title": "Rolig start",
                "goals": "Tryg aflevering",
                "start": "2026-12-01",
                "pedagogue": cast.bob.pk,
                "coordinator": "pedagogue",
            },
        )
        course = Course.objects.get(title="Rolig start")
        assert course.planned_end == datetime.date(2027, 6, 1)
        assert course.task == cast.task_boegely

    def test_a_stale_edit_is_refused_with_an_explanation(self, cast, client_for):
        url = reverse("course-edit", args=[cast.course_boegely.public_id])
        data = {
            "kind": "group",
            "title": "Legegruppe",
            "goals": "Nyt mål",
            "start": "2026-10-01",
            "planned_end": "2027-03-31",
            "pedagogue": cast.bob.pk,
            "coordinator": "pedagogue",
            "version": 1,
        }
        client_for(cast.bob).post(url, data)
        response = client_for(cast.cora).post(url, {**data, "goals": "Et andet mål"})
        assert "Nogen har gemt ændringer, mens du redigerede" in response.content.decode()
        cast.course_boegely.refresh_from_db()
        assert cast.course_boegely.goals == "Nyt mål"

    def test_the_course_page_links_back_to_the_courses(self, cast, client_for):
        """As a consultative meeting's page links back to the meetings."""
        page = client_for(cast.bob).get(cast.course_boegely.get_absolute_url()).content.decode()
        content = page.split('id="main-content"')[1].split("<h1>")[0]
        assert f'<a href="{reverse("course-overview")}">Ressourceforløb</a>' in content


class TestParticipants:
    def test_a_group_course_mixes_cases_and_role_models(self, cast, kids):
        course = cast.course_boegely
        services.participant_add(actor=cast.bob, course=course, role="role_model", child=kids[0])
        services.participant_add(actor=cast.bob, course=course, role="role_model", child=kids[1])
        roles = sorted(course.participants.values_list("role", flat=True))
        assert roles == ["case", "role_model", "role_model"]

    def test_tilfoej_deltager_offers_only_children_not_yet_in_the_course(
        self, cast, kids, client_for
    ):
        response = client_for(cast.bob).get(cast.course_boegely.get_absolute_url())
        picker = response.context["participant_form"]["child"]
        offered = {str(value) for value, _label in picker.field.choices if value}
        assert offered == {str(kid.pk) for kid in kids}  # Mia takes part already
        shown = str(picker)
        assert shown in response.content.decode()
        assert "Ali Testesen" in shown and "Mia Testesen" not in shown

    @pytest.fixture
    def reflection(self, cast):
        """A reflection course at Bøgely with Sara in it; Tove, also staff there, is not."""
        course = services.course_create(
            actor=cast.bob,
            data={"institution": cast.boegely, "kind": "reflection", "title": "Refleksion",
                  "goals": "Fælles sprog", "start": TODAY, "pedagogue": cast.bob},
        )  # fmt: skip
        services.participant_add(
            actor=cast.bob, course=course, role="staff", staff_member=cast.sara
        )
        make_user("tove", cast.ishoj, Role.STAFF, institution=cast.boegely)
        return course

    def test_tilfoej_deltager_offers_only_staff_not_yet_in_the_course(
        self, cast, reflection, client_for
    ):
        response = client_for(cast.bob).get(reflection.get_absolute_url())
        picker = response.context["participant_form"]["staff_member"]
        shown = str(picker)
        assert shown in response.content.decode()
        assert "Tove Testesen" in shown and "Sara Testesen" not in shown

    def test_staff_already_in_the_course_is_refused_by_the_staff_field(
        self, cast, reflection, client_for
    ):
        """Posted anyway (a page opened before Sara joined): said by the picker, naming her,
        not as Django's "invalid choice"."""
        url = reverse("participant-add", args=[reflection.public_id])
        response = client_for(cast.bob).post(url, {"staff_member": cast.sara.pk})
        assert response.status_code == 200
        form = response.context["participant_form"]
        assert form.errors == {"staff_member": ["Sara Testesen deltager allerede i forløbet."]}
        assert str(form["staff_member"]) in response.content.decode()
        assert reflection.participants.count() == 1
        # One not yet in it joins, as staff (the page has no role to choose).
        tove = User.objects.get(username="tove")
        response = client_for(cast.bob).post(url, {"staff_member": tove.pk})
        assert response["Location"] == reflection.get_absolute_url()
        assert reflection.participants.get(staff_member=tove).role == Participant.Role.STAFF

    def test_a_child_already_in_the_course_is_refused_by_the_child_field(
        self, cast, kids, client_for
    ):
        """Posted anyway (a page opened before Mia joined): said by the child picker, in the
        words of the rule, with the role chosen kept; a child is never both case and role
        model in one course."""
        response = client_for(cast.bob).post(
            reverse("participant-add", args=[cast.course_boegely.public_id]),
            {"child": cast.mia.pk, "role": "role_model"},
        )
        assert response.status_code == 200
        form = response.context["participant_form"]
        assert form.errors == {
            "child": [
                "Mia Testesen deltager allerede i forløbet som barn i udsat position; "
                "et barn har kun én rolle i et forløb."
            ]
        }
        page = response.content.decode()
        assert str(form["child"]) in page and str(form["role"]) in page
        assert form["role"].value() == "role_model"
        assert cast.course_boegely.participants.count() == 1

    def test_role_models_get_no_effect_measures_and_no_case(self, cast, kids):
        model = services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="role_model", child=kids[0]
        )
        with pytest.raises(services.CourseRuleBroken, match="ikke for rollemodeller"):
            measure(cast, model, "start", 3)
        reached = build_table("children-reached", cast.ishoj).rows
        assert reached == [["2026", 1, 1, 1]]

    def test_reflection_courses_have_staff_not_children(self, cast):
        course = services.course_create(
            actor=cast.bob,
            data={
                "institution": cast.boegely,
                "kind": "reflection",
                "title": "Refleksion",
                "goals": "Fælles sprog",
                "start": datetime.date(2026, 11, 1),
                "pedagogue": cast.bob,
            },
        )
        with pytest.raises(services.CourseRuleBroken, match="medarbejdere"):
            services.participant_add(actor=cast.bob, course=course, role="case", child=cast.mia)
        services.participant_add(
            actor=cast.bob, course=course, role="staff", staff_member=cast.sara
        )
        assert course.participants.get().role == Participant.Role.STAFF

    def test_the_parent_letter_explains_the_course_and_the_childs_part(
        self, cast, kids, client_for
    ):
        client = client_for(cast.bob)
        response = client.get(reverse("participant-letter", args=[cast.participant_mia.public_id]))
        text = pdf_text(response.content)
        assert "Mia skal være med i et ressourceforløb" in text
        assert "gruppeforløb" in text and "Bob Testesen" in text
        assert "Flere børn med i legen" in text
        model = services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="role_model", child=kids[0]
        )
        text = pdf_text(services.parent_letter(model))
        assert "god kammerat" in text and "ikke med, fordi vi er bekymrede" in text
        client.post(
            reverse("participant-letter-given", args=[cast.participant_mia.public_id]),
            {"on": "2026-10-02", "delivery": "handed"},
        )
        cast.participant_mia.refresh_from_db()
        assert cast.participant_mia.letter_sent_on == datetime.date(2026, 10, 2)


class TestLetterGiven:
    """'Forældrebrev givet' is an inline form in the participant's row of the course page."""

    def post(self, cast, client, data):
        url = reverse("participant-letter-given", args=[cast.participant_mia.public_id])
        return url, client.post(url, data)

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("2026-13-45", "Indtast en gyldig dato."),
            ("0001-01-01", "Angiv en dato mellem 1950 og 2099."),
            ("", "Dette felt er påkrævet."),
        ],
    )
    def test_a_bad_date_comes_back_by_the_field_with_the_typing_kept(
        self, cast, client_for, typed, message
    ):
        url, response = self.post(cast, client_for(cast.bob), {"on": typed, "delivery": "post"})
        assert response.status_code == 200
        form = shown_form(response.content.decode(), url)
        assert form.errors == {"on": message}
        assert form.value("on") == typed
        assert form.value("delivery") == "post"
        assert form.focused == {"on"}  # brought into view, low on the page
        cast.participant_mia.refresh_from_db()
        assert cast.participant_mia.letter_sent_on is None

    def test_the_refused_form_stays_in_its_own_row(self, cast, kids, client_for):
        services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="role_model", child=kids[0]
        )
        _url, response = self.post(cast, client_for(cast.bob), {"on": "2026-13-45"})
        page = response.content.decode()
        # Ali's row keeps an empty form of its own, its ids not those of Mia's.
        ali = Participant.objects.get(child=kids[0])
        other = shown_form(page, reverse("participant-letter-given", args=[ali.public_id]))
        assert other.errors == {}
        assert other.value("on") == TODAY.isoformat()
        assert page.count('id="id_on"') == 0
        assert page.count(f'id="id_letter_{ali.pk}_on"') == 1

    def test_the_page_shown_again_logs_the_reads_of_the_page(self, cast, kids, client_for):
        client = client_for(cast.bob)
        with new_audit_rows() as opened:
            client.get(cast.course_boegely.get_absolute_url())
        with new_audit_rows() as refused:
            self.post(cast, client, {"on": "2026-13-45"})
        assert children_read(refused) == children_read(opened)
        assert str(cast.mia.public_id) in children_read(refused)

    def test_a_good_date_is_saved_and_goes_back_to_the_course(self, cast, client_for):
        _url, response = self.post(
            cast, client_for(cast.bob), {"on": TODAY.isoformat(), "delivery": "handed"}
        )
        assert response.status_code == 302
        assert response["Location"] == cast.course_boegely.get_absolute_url()
        cast.participant_mia.refresh_from_db()
        assert cast.participant_mia.letter_sent_on == TODAY


class TestSessions:
    def test_a_session_is_planned_once_and_recorded_once(
        self, cast, session_boegely_past, client_for
    ):
        client = client_for(cast.bob)
        session, day = session_boegely_past, session_boegely_past.date
        url = reverse("session-plan", args=[cast.course_boegely.public_id])
        response = client.post(url, {"date": str(day), "start_time": "09:00"}, follow=True)
        assert (
            f"Der er allerede en samling {short_date(day)} kl. 09:00." in response.content.decode()
        )
        record = reverse("session-record", args=[session.public_id])
        client.post(record, {"outcome": "held", "attendees": [cast.participant_mia.pk]})
        # Reopened, the registered session is corrected, not registered again: without a
        # reason nothing changes (tests/courses/test_undo.py covers the correction).
        response = client.post(record, {"outcome": "cancelled", "cause": "illness"})
        assert "Skriv, hvorfor registreringen rettes." in response.content.decode()
        session.refresh_from_db()
        assert session.status == Session.Status.HELD
        assert list(session.attendees.all()) == [cast.participant_mia]

    def test_a_day_before_the_course_starts_is_refused_by_the_date_field(self, cast, client_for):
        """Said by the date the pedagogue typed, which is kept with the time, not only above the
        course page's form."""
        day = cast.course_boegely.start - datetime.timedelta(days=1)
        response = client_for(cast.bob).post(
            reverse("session-plan", args=[cast.course_boegely.public_id]),
            {"date": str(day), "start_time": "10:15"},
        )
        assert response.status_code == 200
        form = response.context["session_form"]
        start = cast.course_boegely.start
        assert form.errors == {
            "date": [f"Samlingen ligger før forløbets start ({short_date(start)})."]
        }
        page = response.content.decode()
        assert f'value="{day}"' in page and 'value="10:15"' in page

    def test_a_day_after_the_planned_end_is_refused_by_the_date_field(self, cast, client_for):
        """A session after the course's planned end was planned silently; it is said by the
        date, naming the end, with the time kept."""
        end = cast.course_boegely.planned_end
        day = end + datetime.timedelta(days=1)
        response = client_for(cast.bob).post(
            reverse("session-plan", args=[cast.course_boegely.public_id]),
            {"date": str(day), "start_time": "10:15"},
        )
        assert response.status_code == 200
        assert response.context["session_form"].errors == {
            "date": [
                f"Samlingen ligger efter forløbets planlagte afslutning ({short_date(end)}). Skal "
                "forløbet vare længere, så ret først forløbets planlagte afslutning."
            ]
        }
        page = response.content.decode()
        assert f'value="{day}"' in page and 'value="10:15"' in page
        assert not cast.course_boegely.sessions.filter(date=day).exists()

    def test_a_public_holiday_is_refused_by_the_date_field_even_with_a_reason(
        self, cast, client_for
    ):
        """New Year's Day falls inside the course; the institution is closed, so a reason for
        planning past a clash does not let it through. Said by the date, naming the holiday,
        with what was typed kept."""
        new_year = datetime.date(TODAY.year + 1, 1, 1)
        assert cast.course_boegely.start < new_year < cast.course_boegely.planned_end
        response = client_for(cast.bob).post(
            reverse("session-plan", args=[cast.course_boegely.public_id]),
            {"date": str(new_year), "start_time": "10:15", "clash_reason": "Aftalt med huset"},
        )
        assert response.status_code == 200
        assert response.context["session_form"].errors == {
            "date": [f"1.1.{new_year.year} er nytårsdag – vælg en anden dag."]
        }
        page = response.content.decode()
        assert f'value="{new_year}"' in page and 'value="10:15"' in page
        assert "Aftalt med huset" in page
        assert not cast.course_boegely.sessions.filter(date=new_year).exists()

    def test_a_start_moved_after_a_session_is_refused_by_the_start_field(self, cast, client_for):
        """Moving the start to after next week's session left the session outside the course;
        the start field names the session's day, and what was typed is kept."""
        course = cast.course_boegely
        session_day = cast.session_boegely.date
        new_start = session_day + datetime.timedelta(days=1)
        response = post_course_edit(
            client_for(cast.bob), course, title="Legegruppen", start=str(new_start)
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "start": [
                f"Forløbet har en samling d. {short_date(session_day)} før den nye start. "
                "Flyt eller aflys samlingen først, eller vælg en tidligere start."
            ]
        }
        page = response.content.decode()
        assert f'value="{new_start}"' in page and 'value="Legegruppen"' in page
        course.refresh_from_db()
        assert course.title == "Legegruppe" and course.start < session_day

    def test_an_end_moved_before_a_session_is_refused_by_the_end_field(self, cast, client_for):
        """Moving the planned end to before next week's session left the session outside the
        course; the end field names the session's day, and what was typed is kept."""
        course = cast.course_boegely
        session_day = cast.session_boegely.date
        new_end = session_day - datetime.timedelta(days=1)
        response = post_course_edit(
            client_for(cast.bob), course, title="Legegruppen", planned_end=str(new_end)
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "planned_end": [
                f"Forløbet har en samling d. {short_date(session_day)} efter den nye afslutning. "
                "Flyt eller aflys samlingen først, eller vælg en senere afslutning."
            ]
        }
        page = response.content.decode()
        assert f'value="{new_end}"' in page and 'value="Legegruppen"' in page
        course.refresh_from_db()
        assert course.title == "Legegruppe" and course.planned_end > session_day

    def test_an_emptied_end_is_about_half_a_year_from_the_start(self, cast, client_for):
        """As the field's help text says, and as when the course was made (it was a server
        error)."""
        course = cast.course_boegely
        response = post_course_edit(client_for(cast.bob), course, planned_end="")
        assert response["Location"] == course.get_absolute_url()
        course.refresh_from_db()
        assert course.planned_end == Course.default_end(course.start)

    def test_a_session_still_to_come_is_offered_for_cancelling_only(
        self, cast, session_boegely_past, client_for
    ):
        client = client_for(cast.bob)
        ahead, past = cast.session_boegely, session_boegely_past
        course_page = client.get(cast.course_boegely.get_absolute_url()).content.decode()
        rows = [r.split("</tr>", 1)[0] for r in course_page.split('data-testid="session"')[1:]]
        [ahead_row] = [row for row in rows if str(ahead.public_id) in row]
        [past_row] = [row for row in rows if str(past.public_id) in row]
        assert ">Aflys</a>" in ahead_row and ">Registrér</a>" not in ahead_row
        assert ">Registrér</a>" in past_row
        page = client.get(reverse("session-record", args=[ahead.public_id])).content.decode()
        assert "Registrér som gennemført" not in page and 'value="held"' not in page
        assert HELD_FROM_ITS_DAY.format(day=short_date(ahead.date)) in page
        assert "Registrér som aflyst" in page
        assert page_title(page) == "Aflys samling – Inklusio"  # what the page offers
        page = client.get(reverse("session-record", args=[past.public_id])).content.decode()
        assert "Registrér som gennemført" in page and "Registrér som aflyst" in page
        assert page_title(page) == "Registrér samling – Inklusio"

    def test_a_cancelled_session_after_the_planned_end_is_not_corrected_to_held(
        self, cast, client_for
    ):
        """Cancelled last week, then the end moved to before it (a cancelled session does not
        hold the end back): corrected to held it would run the course on past its end, so it is
        refused as planning a session there is, with what was typed kept."""
        course = cast.course_boegely
        session = last_weeks_session(cast)
        services.session_cancel(actor=cast.bob, session=session, cause="illness")
        services.session_cancel(actor=cast.bob, session=cast.session_boegely, cause="illness")
        end = session.date - datetime.timedelta(days=1)
        services.course_update(
            actor=cast.bob, course=course, expected_version=course.version,
            data={"planned_end": end},
        )  # fmt: skip
        response = client_for(cast.bob).post(
            reverse("session-record", args=[session.public_id]),
            {
                "outcome": "held", "attendees": [cast.participant_mia.pk],
                "reason": "Samlingen blev holdt alligevel", "version": 0,
            },
        )  # fmt: skip
        assert response.status_code == 200
        assert response.context["held_form"].non_field_errors() == [
            f"Samlingen ligger efter forløbets planlagte afslutning ({short_date(end)}). Skal den "
            "registreres som gennemført, så ret først forløbets planlagte afslutning."
        ]
        assert 'value="Samlingen blev holdt alligevel"' in response.content.decode()
        session.refresh_from_db()
        assert session.status == Session.Status.CANCELLED and not session.corrections
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_correct(
                actor=cast.bob, session=session, outcome="held", reason="Holdt alligevel",
                attendees=[cast.participant_mia], version=0,
            )  # fmt: skip
        assert refused.value.field == "date"
        # With the end moved back to cover it, the correction goes through.
        course.refresh_from_db()
        services.course_update(
            actor=cast.bob, course=course, expected_version=course.version,
            data={"planned_end": session.date},
        )  # fmt: skip
        corrected = services.session_correct(
            actor=cast.bob, session=session, outcome="held", reason="Holdt alligevel",
            attendees=[cast.participant_mia], version=0,
        )  # fmt: skip
        assert corrected.status == Session.Status.HELD

    def test_a_session_still_to_come_is_not_recorded_as_held_and_the_form_is_kept(
        self, cast, client_for
    ):
        session = cast.session_boegely  # a week ahead
        bo = services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="role_model",
            child=make_child(cast.ishoj, cast.boegely, "Bo", "0101224001"),
        )  # fmt: skip
        client = client_for(cast.bob)
        with new_audit_rows() as written:
            response = client.post(
                reverse("session-record", args=[session.public_id]),
                {"outcome": "held", "attendees": [bo.pk], "note": "Vi sang om efteråret"},
            )
        page = response.content.decode()
        assert response.status_code == 200
        assert HELD_FROM_ITS_DAY.format(day=short_date(session.date)) in page
        assert "Vi sang om efteråret</textarea>" in page
        bo_box = page.split(f'value="{bo.pk}"', 1)[1].split(">", 1)[0]
        mia_box = page.split(f'value="{cast.participant_mia.pk}"', 1)[1].split(">", 1)[0]
        # As Bob ticked them, not the fresh form's "everyone took part".
        assert "checked" in bo_box and "checked" not in mia_box
        session.refresh_from_db()
        assert (session.status, session.note, session.recorded_by) == ("planned", "", None)
        assert not session.attendees.exists()
        # Nothing written; the page shown again logs that it showed Mia and Bo.
        assert [(e.action, e.object_type) for e in written] == [("read", "session")]

    def test_held_share_and_cancellations_by_cause(self, cast, client_for):
        course = cast.course_boegely
        days = [datetime.date(2026, 10, d) for d in (5, 12, 19, 26)]
        sessions = [
            services.session_plan(
                actor=cast.bob, course=course, date=d, start_time=datetime.time(9)
            )
            for d in days
        ]
        services.session_held(actor=cast.bob, session=sessions[0], attendees=[cast.participant_mia])
        services.session_held(actor=cast.bob, session=sessions[1], attendees=[])
        services.session_cancel(actor=cast.bob, session=sessions[2], cause="called_to_centre")
        # sessions[3] passed without being recorded: it counts as planned, not held.
        figures = selectors.session_figures(course)
        assert (figures.planned, figures.held, figures.cancelled, figures.held_share) == (
            4,
            2,
            1,
            50,
        )
        page = client_for(cast.carl).get(reverse("course-overview")).content.decode()
        assert "Bøgely" not in page  # Carl leads Elverhøj
        rates = client_for(cast.cora).get(reverse("course-overview")).context["rates"]
        assert [(name, f.cancellation_rate) for name, f in rates] == [("Bøgely", 25)]
        table = build_table("cancellations", cast.ishoj)
        assert table.rows == [["2026", 3, 2, 1, 33.3, 1, 0, 0, 0]]


class TestEffectAndClosing:
    def test_before_and_after_per_child_and_for_the_group(self, cast, kids):
        other = services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="case", child=kids[0]
        )
        measure(cast, cast.participant_mia, "start", 2)
        measure(cast, cast.participant_mia, "end", 4)
        measure(cast, other, "start", 3)
        measure(cast, other, "end", 3)
        with pytest.raises(services.CourseRuleBroken, match="allerede vurderet"):
            measure(cast, other, "end", 5)
        effects = selectors.before_after(cast.course_boegely)
        assert effects["complete"] == 2
        assert effects["group"][0] == {"start": 2.5, "end": 3.5, "change": 1.0}
        assert [row["cells"][0]["change"] for row in effects["rows"]] == [2, 0]

    def test_closing_needs_the_evaluation(self, cast, client_for):
        url = reverse("course-close", args=[cast.course_boegely.public_id])
        client = client_for(cast.bob)
        with new_audit_rows(writes_only=True) as written:
            response = client.post(url, {"closed_on": "2026-11-20", "evaluation": "  "})
            assert NEEDS_EVALUATION in response.content.decode()
            response = client.post(
                url,
                {"closed_on": "2026-09-01", "goals_reached": "partly",
                 "methods_in_practice": "yes", "evaluation": "For tidligt"},
            )  # fmt: skip
            assert "Forløbet kan ikke slutte, før det starter." in response.content.decode()
            assert "For tidligt" in response.content.decode()  # what was typed is kept
        assert written == []
        assert not Course.objects.get(pk=cast.course_boegely.pk).is_closed
        client.post(
            url,
            {
                "closed_on": "2027-03-31",
                "goals_reached": "partly",
                "methods_in_practice": "yes",
                "evaluation": "Legegrupperne fortsætter på stuen.",
            },
        )
        cast.course_boegely.refresh_from_db()
        assert cast.course_boegely.closed_on == datetime.date(2027, 3, 31)
        assert cast.course_boegely.methods_in_practice == "yes"
        # A closed course is history: no more sessions or participants.
        assert (
            client.post(reverse("session-plan", args=[cast.course_boegely.public_id])).status_code
            == 404
        )


def test_a_guardian_sees_their_childs_course_but_not_the_course_page(cast, client_for):
    client = client_for(cast.gert)
    page = client.get(cast.mia.get_absolute_url()).content.decode()
    assert "Legegruppe" in page and cast.course_boegely.get_absolute_url() not in page
    assert client.get(cast.course_boegely.get_absolute_url()).status_code == 404


def test_courses_by_type_counts_reflection_and_action_learning_together(cast):
    for kind, start in [
        ("individual", "2015-03-01"),
        ("reflection", "2015-05-01"),
        ("action_learning", "2015-06-01"),
    ]:
        Course.objects.create(
            municipality=cast.ishoj,
            institution=cast.boegely,
            kind=kind,
            title=kind,
            goals="-",
            start=datetime.date.fromisoformat(start),
            planned_end=datetime.date(2015, 12, 1),
            pedagogue=cast.bob,
            created_by=cast.bob,
        )
    assert build_table("courses-by-type", cast.ishoj, year_from=2014, year_to=2016).rows == [
        ["2014", 0, 0, 0, 0],
        ["2015", 0, 1, 2, 3],
        ["2016", 0, 0, 0, 0],
    ]
    assert build_table("courses-by-type", cast.ishoj).rows == [
        ["2015", 0, 1, 2, 3],
        ["2026", 1, 0, 0, 1],
    ]


def test_children_reached_counts_a_child_in_two_courses_once(cast, kids):
    second = Course.objects.create(
        municipality=cast.ishoj,
        institution=cast.boegely,
        kind="individual",
        title="Individuelt",
        goals="-",
        start=datetime.date(2026, 11, 1),
        planned_end=datetime.date(2027, 5, 1),
        pedagogue=cast.bob,
        created_by=cast.bob,
    )
    services.participant_add(actor=cast.bob, course=second, role="case", child=cast.mia)
    services.participant_add(
        actor=cast.bob, course=cast.course_boegely, role="role_model", child=kids[0]
    )
    assert build_table("children-reached", cast.ishoj).rows == [["2026", 1, 2, 1]]


def test_the_demo_gives_back_table_3_of_the_evaluation(db, capsys):
    call_command("load_demo")
    capsys.readouterr()
    call_command(
        "statistics",
        "courses-by-type",
        municipality="ishoj",
        year_from="2014",
        year_to="2016",
        format="json",
    )
    assert json.loads(capsys.readouterr().out)["rows"] == [
        ["2014", 13, 9, 0, 22],
        ["2015", 19, 8, 1, 28],
        ["2016", 10, 14, 4, 28],
    ]
    group_courses = Course.objects.filter(kind="group", start__year__lte=2016)
    cases = Participant.objects.filter(course__in=group_courses, role="case").count()
    assert 4 <= cases / group_courses.count() <= 5


def test_the_pedagogue_sees_running_courses_and_the_next_session_on_the_start_page(
    cast, client_for
):
    soon = datetime.date.today() + datetime.timedelta(days=4)
    Session.objects.filter(pk=cast.session_boegely.pk).update(date=soon)
    page = client_for(cast.bob).get(reverse("start")).content.decode()
    assert "Dine forløb" in page and cast.course_boegely.get_absolute_url() in page
    assert f"{soon.day}.{soon.month}." in page
    assert "Dine forløb" not in client_for(cast.sara).get(reverse("start")).content.decode()


def test_course_duration_gives_median_and_quartiles_in_weeks(cast):
    for weeks in (10, 20, 26, 30):
        start = datetime.date(2025, 1, 6)
        Course.objects.create(
            municipality=cast.ishoj,
            institution=cast.boegely,
            kind="group",
            title=f"{weeks} uger",
            goals="-",
            start=start,
            planned_end=start + datetime.timedelta(weeks=26),
            closed_on=start + datetime.timedelta(weeks=weeks),
            pedagogue=cast.bob,
            created_by=cast.bob,
        )
    # Inclusive quartiles of 10, 20, 26, 30: 17.5, 23.0, 27.0. The open 2026 course is not counted.
    assert build_table("course-duration", cast.ishoj).rows == [["2025", 4, 17.5, 23.0, 27.0]]


def test_a_refused_observation_comes_back_with_the_text_kept(cast, kids, client_for):
    # Ali is not in the course: the observation cannot be about him.
    response = client_for(cast.bob).post(
        reverse("observation-add", args=[cast.course_boegely.public_id]),
        {
            "date": "2026-11-20",
            "focus": "note",
            "child": kids[0].pk,
            "text": "En lang note om legen",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "En lang note om legen" in page
    assert "form-error-message" in page  # the error sits by the child field
    assert not cast.course_boegely.observations.exists()


class TestObservations:
    def test_an_observation_is_saved_from_the_course_page(self, cast, client_for):
        url = reverse("observation-add", args=[cast.course_boegely.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.bob).post(
                url,
                {"date": str(TODAY), "focus": "play", "child": cast.mia.pk,
                 "text": "Mia legede med to andre i sandkassen"},
            )  # fmt: skip
        assert response.status_code == 302
        observation = cast.course_boegely.observations.get()
        assert (observation.child, observation.author, observation.focus, observation.date) == (
            cast.mia, cast.bob, "play", TODAY
        )  # fmt: skip
        assert observation.text == "Mia legede med to andre i sandkassen"
        [entry] = written
        assert (entry.action, entry.object_type, entry.child_id) == (
            "create", "observation", cast.mia.public_id
        )  # fmt: skip
        page = client_for(cast.bob).get(cast.course_boegely.get_absolute_url()).content.decode()
        assert "Mia legede med to andre i sandkassen" in page

    def test_an_observation_dated_ahead_is_refused_and_keeps_the_text(self, cast, client_for):
        url = reverse("observation-add", args=[cast.course_boegely.public_id])
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.bob).post(
                url,
                {"date": str(TODAY + datetime.timedelta(days=1)), "focus": "note",
                 "text": "Skrevet en dag for tidligt"},
            )  # fmt: skip
        page = response.content.decode()
        assert response.status_code == 200
        assert "Observationen kan ikke have en dato i fremtiden." in page
        assert "Skrevet en dag for tidligt" in page
        assert written == [] and not cast.course_boegely.observations.exists()

    def test_the_service_refuses_a_child_outside_the_course(self, cast, kids):
        with pytest.raises(services.CourseRuleBroken, match=r"^Barnet deltager ikke i forløbet\.$"):
            services.observation_add(
                actor=cast.bob, course=cast.course_boegely,
                data={"date": TODAY, "child": kids[0], "text": "Ali"},
            )  # fmt: skip
        assert not cast.course_boegely.observations.exists()


class TestEffectMeasuresOnThePage:
    def test_the_pedagogue_records_a_start_measure(self, cast, client_for):
        url = reverse("measure-record", args=[cast.participant_mia.public_id, "start"])
        data = {"participation": 2, "play": 3, "conflicts": 4, "wellbeing": 2,
                "assessed_on": str(TODAY)}  # fmt: skip
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.bob).post(url, data)
        assert response.status_code == 302
        measure = cast.participant_mia.measures.get()
        assert (measure.phase, measure.play, measure.assessed_by) == ("start", 3, cast.bob)
        [entry] = written
        assert (entry.object_type, entry.child_id) == ("effectmeasure", cast.mia.public_id)
        response = client_for(cast.bob).post(url, data)
        assert "Barnet er allerede vurderet ved start." in response.content.decode()
        assert cast.participant_mia.measures.count() == 1

    def test_a_role_model_is_not_measured(self, cast, kids, client_for):
        role_model = services.participant_add(
            actor=cast.bob, course=cast.course_boegely, role="role_model", child=kids[0]
        )
        response = client_for(cast.bob).post(
            reverse("measure-record", args=[role_model.public_id, "start"]),
            {"participation": 2, "play": 3, "conflicts": 4, "wellbeing": 2,
             "assessed_on": str(TODAY)},
        )  # fmt: skip
        assert "ikke for rollemodeller" in response.content.decode()
        assert not role_model.measures.exists()


# Each change a user makes on the course pages: who posts, where, what (built from the cast).
COURSE_PAGE_CHANGES = {
    "task": lambda cast: (
        cast.carl, reverse("task-create"),
        {"institution": cast.elverhoej.pk, "usage": "observation", "problem": "Uro"},
        "create", "resourcetask", None,
    ),
    "course": lambda cast: (
        cast.bob, reverse("course-create"),
        {"institution": cast.boegely.pk, "kind": "individual", "title": "Rolig start",
         "goals": "Tryg aflevering", "start": str(TODAY), "pedagogue": cast.bob.pk,
         "coordinator": "pedagogue"},
        "create", "course", None,
    ),
    "edit": lambda cast: (
        cast.bob, reverse("course-edit", args=[cast.course_boegely.public_id]),
        {"kind": "group", "title": "Legegruppe", "goals": "Nyt mål", "start": "2026-10-01",
         "planned_end": "2027-03-31", "pedagogue": cast.bob.pk, "coordinator": "pedagogue",
         "version": 1},
        "change", "course", None,
    ),
    "participant": lambda cast: (
        cast.bob, reverse("participant-add", args=[cast.course_boegely.public_id]),
        {"child": make_child(cast.ishoj, cast.boegely, "Bo", "0101224001").pk,
         "role": "role_model"},
        "create", "participant", "Bo",
    ),
    "letter": lambda cast: (
        cast.bob, reverse("participant-letter-given", args=[cast.participant_mia.public_id]),
        {"on": str(TODAY), "delivery": "handed"},
        "export", "participant", "Mia",
    ),
    "session": lambda cast: (
        cast.bob, reverse("session-plan", args=[cast.course_boegely.public_id]),
        {"date": str(TODAY + datetime.timedelta(days=14)), "start_time": "09:00"},
        "create", "session", None,
    ),
    "held": lambda cast: (
        cast.bob, reverse("session-record", args=[last_weeks_session(cast).public_id]),
        {"outcome": "held", "attendees": [cast.participant_mia.pk]},
        "change", "session", None,
    ),
    "cancelled": lambda cast: (
        cast.bob, reverse("session-record", args=[cast.session_boegely.public_id]),
        {"outcome": "cancelled", "cause": "illness"},
        "change", "session", None,
    ),
    "observation": lambda cast: (
        cast.bob, reverse("observation-add", args=[cast.course_boegely.public_id]),
        {"date": str(TODAY), "focus": "note", "text": "Rolig samling"},
        "create", "observation", None,
    ),
    "measure": lambda cast: (
        cast.bob, reverse("measure-record", args=[cast.participant_mia.public_id, "start"]),
        {"participation": 2, "play": 3, "conflicts": 4, "wellbeing": 2,
         "assessed_on": str(TODAY)},
        "create", "effectmeasure", "Mia",
    ),
    "close": lambda cast: (
        cast.bob, reverse("course-close", args=[cast.course_boegely.public_id]),
        {"closed_on": str(TODAY), "goals_reached": "partly", "methods_in_practice": "yes",
         "evaluation": "Legegrupperne fortsætter på stuen."},
        "change", "course", None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("change", sorted(COURSE_PAGE_CHANGES))
def test_every_change_on_the_course_pages_writes_one_audit_row(change, cast, client_for):
    user, url, data, action, object_type, child = COURSE_PAGE_CHANGES[change](cast)
    with new_audit_rows(writes_only=True) as written:
        response = client_for(user).post(url, data)
    assert response.status_code == 302, change
    [entry] = written
    assert (entry.action, entry.object_type, entry.actor) == (action, object_type, user)
    assert entry.child_name == (f"{child} Testesen" if child else "")


class TestClosingInTheService:
    """course_close holds the rules; the close form only parses."""

    @pytest.mark.parametrize(
        ("goals_reached", "methods_in_practice", "evaluation"),
        [
            ("", "yes", "Godt forløb"),
            ("maybe", "yes", "Godt forløb"),
            ("partly", "", "Godt forløb"),
            ("partly", "yes", "  "),
        ],
    )
    def test_the_whole_evaluation_is_needed(
        self, cast, goals_reached, methods_in_practice, evaluation
    ):
        with new_audit_rows() as written, pytest.raises(services.CourseRuleBroken) as refused:
            services.course_close(
                actor=cast.bob, course=cast.course_boegely, closed_on=TODAY,
                goals_reached=goals_reached, methods_in_practice=methods_in_practice,
                evaluation=evaluation,
            )  # fmt: skip
        assert str(refused.value) == NEEDS_EVALUATION
        assert written == [] and not Course.objects.get(pk=cast.course_boegely.pk).is_closed

    def test_a_course_closes_on_its_first_day_at_the_earliest_and_once(self, cast):
        course = cast.course_boegely
        evaluation = {"goals_reached": "no", "methods_in_practice": "no", "evaluation": "Kort"}
        the_day_before = course.start - datetime.timedelta(days=1)
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_close(actor=cast.bob, course=course, closed_on=the_day_before,
                                  **evaluation)  # fmt: skip
        assert str(refused.value) == "Forløbet kan ikke slutte, før det starter."
        services.course_close(actor=cast.bob, course=course, closed_on=course.start, **evaluation)
        with new_audit_rows() as written, pytest.raises(services.CourseRuleBroken) as refused:
            services.course_close(actor=cast.bob, course=course, closed_on=TODAY, **evaluation)
        assert str(refused.value) == "Forløbet er allerede afsluttet."
        assert written == [] and Course.objects.get(pk=course.pk).closed_on == course.start

    def test_the_audit_log_shows_the_day_the_course_closed(self, cast, client_for):
        with new_audit_rows(writes_only=True) as written:
            client_for(cast.bob).post(
                reverse("course-close", args=[cast.course_boegely.public_id]),
                {"closed_on": str(TODAY), "goals_reached": "partly", "methods_in_practice": "yes",
                 "evaluation": "Legegrupperne fortsætter."},
            )  # fmt: skip
        [entry] = written
        assert entry.changes == {"closed_on": {"before": None, "after": TODAY.isoformat()}}
        page = client_for(cast.alice).get(reverse("audit-log")).content.decode()
        assert f"afsluttet den: – → {TODAY.day}.{TODAY.month}.{TODAY.year}" in page


class TestObservationsInTheService:
    def test_an_observation_without_a_date_is_from_today(self, cast):
        observation = services.observation_add(
            actor=cast.bob, course=cast.course_boegely, data={"text": "Rolig samling"}
        )
        assert observation.date == TODAY and observation.child is None

    def test_an_observation_cannot_be_dated_ahead(self, cast):
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.observation_add(
                actor=cast.bob, course=cast.course_boegely,
                data={"date": TODAY + datetime.timedelta(days=1), "text": "For tidligt"},
            )  # fmt: skip
        assert str(refused.value) == "Observationen kan ikke have en dato i fremtiden."
        assert not cast.course_boegely.observations.exists()


class TestCourseChangesInTheService:
    """The rules and the audit rows of creating, changing, planning and informing, exactly."""

    def course_data(self, cast, **changes):
        return {"institution": cast.boegely, "kind": "individual", "title": "Rolig start",
                "goals": "Tryg aflevering", "start": TODAY, "pedagogue": cast.bob, **changes}  # fmt: skip

    def test_a_course_keeps_the_end_it_was_given_and_logs_what_it_is(self, cast):
        end = TODAY + datetime.timedelta(days=60)
        with new_audit_rows() as written:
            course = services.course_create(
                actor=cast.bob, data=self.course_data(cast, planned_end=end)
            )
        assert course.planned_end == end
        [entry] = written
        assert entry.changes["title"] == {"before": None, "after": "Rolig start"}
        assert entry.changes["planned_end"] == {"before": None, "after": end.isoformat()}

    def test_a_course_may_end_the_day_it_starts_but_not_before(self, cast):
        course = services.course_create(
            actor=cast.bob, data=self.course_data(cast, planned_end=TODAY)
        )
        assert course.planned_end == TODAY
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_update(
                actor=cast.bob, course=course, expected_version=course.version,
                data={"planned_end": TODAY - datetime.timedelta(days=1)},
            )  # fmt: skip
        assert str(refused.value) == "Forløbet kan ikke slutte, før det starter."

    def test_a_change_counts_the_version_once_and_logs_it_with_the_staff(self, cast):
        course = cast.course_boegely
        with new_audit_rows() as written:
            course = services.course_update(
                actor=cast.bob, course=course, expected_version=1,
                data={"title": "Legegruppen", "staff": [cast.sara]},
            )  # fmt: skip
        assert course.version == 2 and list(course.staff.all()) == [cast.sara]
        [entry] = written
        assert entry.changes == {
            "title": {"before": "Legegruppe", "after": "Legegruppen"},
            "version": {"before": 1, "after": 2},
        }

    def test_a_closed_course_cannot_be_changed(self, cast):
        course = cast.course_boegely
        services.course_close(
            actor=cast.bob, course=course, closed_on=TODAY, goals_reached="yes",
            methods_in_practice="yes", evaluation="Godt",
        )  # fmt: skip
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_update(
                actor=cast.bob,
                course=course,
                data={"title": "Sent"},
                expected_version=course.version,
            )
        assert str(refused.value) == "Forløbet er afsluttet og kan ikke længere ændres."

    def test_the_letter_is_recorded_with_how_it_was_given(self, cast):
        with new_audit_rows() as written:
            participant = services.letter_given(
                actor=cast.bob, participant=cast.participant_mia, on=TODAY, delivery="handed"
            )
        assert (participant.letter_sent_on, participant.letter_delivery) == (TODAY, "handed")
        [entry] = written
        assert entry.changes == {
            "letter_sent_on": {"before": None, "after": TODAY.isoformat()},
            "delivery": "handed",
        }

    def test_the_course_page_says_how_and_when_the_letter_was_given(self, cast, client_for):
        services.letter_given(
            actor=cast.bob, participant=cast.participant_mia, on=TODAY, delivery="handed"
        )
        page = client_for(cast.bob).get(cast.course_boegely.get_absolute_url())
        assert (
            f"Givet ved samtale den {TODAY.day}.{TODAY.month}.{TODAY.year}" in page.content.decode()
        )

    def test_a_session_may_be_on_the_first_day_but_not_before(self, cast):
        course = cast.course_boegely
        session = services.session_plan(
            actor=cast.bob, course=course, date=course.start, start_time=datetime.time(9)
        )
        assert session.date == course.start
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_plan(
                actor=cast.bob, course=course, date=course.start - datetime.timedelta(days=1),
                start_time=datetime.time(9),
            )  # fmt: skip
        assert str(refused.value) == "Samlingen ligger før forløbets start (1.10.2026)."

    def test_a_session_may_be_on_the_planned_last_day_but_not_after(self, cast):
        course = cast.course_boegely
        session = services.session_plan(
            actor=cast.bob, course=course, date=course.planned_end, start_time=datetime.time(9)
        )
        assert session.date == course.planned_end
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_plan(
                actor=cast.bob, course=course, date=course.planned_end + datetime.timedelta(days=1),
                start_time=datetime.time(9),
            )  # fmt: skip
        assert refused.value.field == "date"
        assert f"planlagte afslutning ({short_date(course.planned_end)})" in str(refused.value)

    def test_the_service_refuses_a_public_holiday_whatever_the_reason(self, cast):
        """For every caller, not only the form; a clash reason does not override it."""
        new_year = datetime.date(TODAY.year + 1, 1, 1)
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_plan(
                actor=cast.bob, course=cast.course_boegely, date=new_year,
                start_time=datetime.time(9), clash_reason="Aftalt med huset",
            )  # fmt: skip
        assert refused.value.field == "date"
        assert str(refused.value) == f"1.1.{new_year.year} er nytårsdag – vælg en anden dag."
        assert not cast.course_boegely.sessions.filter(date=new_year).exists()

    def test_a_refusal_writes_a_day_below_ten_as_the_pages_do(self, cast):
        """The refusals wrote their dates zero-padded ("01.12.2026") while every page writes
        "1.12.2026"; a planned end on the first of a month shows the difference."""
        end = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        assert end.day < 10
        Course.objects.filter(pk=cast.course_boegely.pk).update(planned_end=end)
        cast.course_boegely.refresh_from_db()
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_plan(
                actor=cast.bob, course=cast.course_boegely, date=end + datetime.timedelta(days=1),
                start_time=datetime.time(9),
            )  # fmt: skip
        message = str(refused.value)
        assert f"planlagte afslutning ({end.day}.{end.month}.{end.year})." in message
        assert f"0{end.day}." not in message

    def test_a_start_after_a_held_or_planned_session_is_refused(self, cast):
        """Held and planned sessions before the new start hold it back, named by the first of
        them; a cancelled one does not take place and does not."""
        course = cast.course_boegely
        held = last_weeks_session(cast)
        services.session_held(actor=cast.bob, session=held, attendees=[cast.participant_mia])
        Session.objects.create(
            municipality=cast.ishoj, course=course, date=held.date - datetime.timedelta(days=7),
            start_time=datetime.time(9), status=Session.Status.CANCELLED,
        )  # fmt: skip
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_update(
                actor=cast.bob, course=course, expected_version=course.version,
                data={"start": cast.session_boegely.date + datetime.timedelta(days=1)},
            )  # fmt: skip
        assert refused.value.field == "start"
        assert f"samling d. {short_date(held.date)} før" in str(refused.value)
        # The start may fall on the held session's day, with only the cancelled one before it.
        course = services.course_update(
            actor=cast.bob, course=course, expected_version=course.version,
            data={"start": held.date},
        )  # fmt: skip
        assert course.start == held.date

    def test_an_end_before_a_session_still_to_be_held_or_held_is_refused(self, cast):
        """Planned and held sessions after the new end hold it back, named by the last of them;
        a cancelled one does not take place and does not."""
        course = cast.course_boegely
        planned = cast.session_boegely
        cancelled = services.session_plan(
            actor=cast.bob, course=course, date=planned.date + datetime.timedelta(days=14),
            start_time=datetime.time(9),
        )  # fmt: skip
        services.session_cancel(actor=cast.bob, session=cancelled, cause="illness")
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_update(
                actor=cast.bob, course=course, expected_version=course.version,
                data={"planned_end": planned.date - datetime.timedelta(days=1)},
            )  # fmt: skip
        assert refused.value.field == "planned_end"
        assert f"samling d. {short_date(planned.date)} efter" in str(refused.value)
        # The end may fall on the session's own day, with only the cancelled one after it.
        course = services.course_update(
            actor=cast.bob, course=course, expected_version=course.version,
            data={"planned_end": planned.date},
        )  # fmt: skip
        assert course.planned_end == planned.date
        # A held session counts like a planned one.
        held = last_weeks_session(cast)
        services.session_held(actor=cast.bob, session=held, attendees=[cast.participant_mia])
        services.session_cancel(actor=cast.bob, session=planned, cause="illness")
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.course_update(
                actor=cast.bob, course=course, expected_version=course.version,
                data={"planned_end": held.date - datetime.timedelta(days=1)},
            )  # fmt: skip
        assert f"samling d. {short_date(held.date)} efter" in str(refused.value)
        course.refresh_from_db()
        assert course.planned_end == planned.date


class TestParticipantsInTheService:
    def test_an_individual_course_has_one_case_and_may_have_role_models(self, cast, kids):
        course = services.course_create(
            actor=cast.bob,
            data={"institution": cast.boegely, "kind": "individual", "title": "Alis forløb",
                  "goals": "Leg", "start": TODAY, "pedagogue": cast.bob},
        )  # fmt: skip
        joined = TODAY - datetime.timedelta(days=3)
        with new_audit_rows() as written:
            case = services.participant_add(
                actor=cast.bob, course=course, role="case", child=kids[0], joined_on=joined
            )
        assert (case.role, case.joined_on) == ("case", joined)
        [entry] = written
        assert entry.changes == {
            "course": {"before": None, "after": "Alis forløb"},
            "role": {"before": None, "after": "case"},
        }
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.participant_add(actor=cast.bob, course=course, role="case", child=kids[1])
        assert str(refused.value) == "Et individuelt forløb har ét barn i udsat position."
        model = services.participant_add(
            actor=cast.bob, course=course, role="role_model", child=kids[1]
        )
        assert model.role == "role_model" and model.joined_on == TODAY

    def test_who_may_join_is_said_exactly(self, cast):
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.participant_add(actor=cast.bob, course=cast.course_boegely, role="case")
        assert str(refused.value) == "Vælg barnet, der skal deltage."
        reflection = services.course_create(
            actor=cast.bob,
            data={"institution": cast.boegely, "kind": "reflection", "title": "Refleksion",
                  "goals": "Fælles sprog", "start": TODAY, "pedagogue": cast.bob},
        )  # fmt: skip
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.participant_add(actor=cast.bob, course=reflection, role="case", child=cast.mia)
        assert str(refused.value) == (
            "Et refleksions- eller aktionslæringsforløb har medarbejdere som deltagere."
        )
        staff = services.participant_add(
            actor=cast.bob, course=reflection, role="case", staff_member=cast.sara
        )
        assert staff.role == Participant.Role.STAFF


class TestSessionsInTheService:
    def test_a_held_session_records_who_when_and_what(self, cast, session_boegely_past):
        with new_audit_rows() as written:
            session = services.session_held(
                actor=cast.bob, session=session_boegely_past,
                attendees=[cast.participant_mia], note="God stemning",
            )  # fmt: skip
        session.refresh_from_db()
        assert (session.status, session.note, session.recorded_by) == (
            "held",
            "God stemning",
            cast.bob,
        )
        assert session.recorded_at is not None and session.cancelled_by is None
        [entry] = written
        assert entry.changes == {"status": {"before": "planned", "after": "held"}, "attendees": 1}

    def test_only_the_courses_participants_attend(self, cast, kids, session_boegely_past):
        other = services.course_create(
            actor=cast.bob,
            data={"institution": cast.boegely, "kind": "group", "title": "Anden gruppe",
                  "goals": "Leg", "start": TODAY, "pedagogue": cast.bob},
        )  # fmt: skip
        stranger = services.participant_add(
            actor=cast.bob, course=other, role="case", child=kids[0]
        )
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_held(
                actor=cast.bob, session=session_boegely_past, attendees=[stranger]
            )
        assert str(refused.value) == "Kun forløbets deltagere kan være med i samlingen."
        assert Session.objects.get(pk=session_boegely_past.pk).status == "planned"

    def test_a_session_still_to_come_is_not_recorded_as_held(self, cast):
        session = cast.session_boegely  # a week ahead
        with new_audit_rows() as written, pytest.raises(services.CourseRuleBroken) as refused:
            services.session_held(
                actor=cast.bob, session=session, attendees=[cast.participant_mia], note="Sang"
            )
        assert str(refused.value) == HELD_FROM_ITS_DAY.format(day=short_date(session.date))
        session.refresh_from_db()
        assert (session.status, session.note, session.recorded_at) == ("planned", "", None)
        assert not session.attendees.exists()
        assert written == []

    def test_a_session_is_recorded_as_held_on_its_day(self, cast):
        today = Session.objects.create(
            municipality=cast.ishoj, course=cast.course_boegely, date=TODAY,
            start_time=datetime.time(13),
        )  # fmt: skip
        session = services.session_held(
            actor=cast.bob, session=today, attendees=[cast.participant_mia]
        )
        assert session.status == "held"
        assert list(session.attendees.all()) == [cast.participant_mia]

    def test_a_cancelled_session_records_who_and_why_once(self, cast):
        """A week ahead: a planned session is cancelled in advance."""
        with new_audit_rows() as written:
            session = services.session_cancel(
                actor=cast.sara, session=cast.session_boegely, cause="institution", note="Tur"
            )
        session.refresh_from_db()
        assert (session.status, session.cause, session.note) == ("cancelled", "institution", "Tur")
        assert (session.cancelled_by, session.recorded_by) == (cast.sara, cast.sara)
        assert session.recorded_at is not None
        [entry] = written
        assert entry.changes == {
            "status": {"before": "planned", "after": "cancelled"},
            "cause": "institution",
        }
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_cancel(actor=cast.bob, session=session, cause="illness")
        assert str(refused.value) == "Samlingen er allerede registreret som aflyst."


class TestSessionTimesClosedCoursesAndMeasureLog:
    def test_two_sessions_may_share_a_day_at_different_times(self, cast):
        course, day = cast.course_boegely, cast.session_boegely.date
        later = services.session_plan(
            actor=cast.bob, course=course, date=day, start_time=datetime.time(13)
        )
        assert later.date == day and course.sessions.filter(date=day).count() == 2

    def test_a_closed_course_takes_no_participants_or_sessions(self, cast, kids):
        course = cast.course_boegely
        services.course_close(
            actor=cast.bob, course=course, closed_on=TODAY, goals_reached="yes",
            methods_in_practice="yes", evaluation="Godt",
        )  # fmt: skip
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.participant_add(actor=cast.bob, course=course, role="case", child=kids[0])
        assert str(refused.value) == "Forløbet er afsluttet."
        with pytest.raises(services.CourseRuleBroken) as refused:
            services.session_plan(
                actor=cast.bob, course=course, date=TODAY, start_time=datetime.time(9)
            )
        assert str(refused.value) == "Forløbet er afsluttet."

    def test_an_effect_measure_logs_its_scores(self, cast):
        with new_audit_rows() as written:
            measure(cast, cast.participant_mia, "start", 3)
        [entry] = written
        assert entry.changes == {
            name: {"before": None, "after": 3} for name in EffectMeasure.DIMENSIONS
        }
