"""Correcting a registered session (issue 16, point 4): reopening shows what is registered; a
correction needs a reason, keeps the earlier registration as history (who, when, why) and
writes one audit row."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.courses import services
from inklusio.courses.models import Course, Session
from tests.audit_rows import new_audit_rows
from tests.conftest import last_weeks_session, make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast, session_boegely_past):
    """Bob registered last week's session as held with Mia and a note."""
    return services.session_held(
        actor=cast.bob,
        session=session_boegely_past,
        attendees=[cast.participant_mia],
        note="Mia ledte sangen",
    )


def _url(cast) -> str:
    return reverse("session-record", args=[last_weeks_session(cast).public_id])


class TestReopening:
    def test_a_registered_session_shows_the_registered_values(self, cast, held, client_for):
        bo = make_child(cast.ishoj, cast.boegely, "Bo", "0101224001")
        services.participant_add(
            actor=cast.bob, course=cast.course_boegely, child=bo, role="role_model"
        )
        page = client_for(cast.bob).get(_url(cast)).content.decode()
        assert "Registreret som gennemført af" in page
        assert 'value="Mia ledte sangen"' in page or "Mia ledte sangen</textarea>" in page
        mia_box = page.split(f'value="{cast.participant_mia.pk}"', 1)[1].split(">", 1)[0]
        assert "checked" in mia_box
        bo_pk = cast.course_boegely.participants.get(child=bo).pk
        bo_box = page.split(f'value="{bo_pk}"', 1)[1].split(">", 1)[0]
        assert "checked" not in bo_box  # Bo did not take part, so his box stays empty
        assert "Hvorfor rettes registreringen?" in page

    def test_a_cancelled_session_shows_its_cause(self, cast, session_boegely_past, client_for):
        services.session_cancel(
            actor=cast.bob, session=session_boegely_past, cause="illness", note="Pædagogen syg"
        )
        page = client_for(cast.bob).get(_url(cast)).content.decode()
        illness = page.split('value="illness"', 1)[1].split(">", 1)[0]
        assert "checked" in illness
        assert 'value="Pædagogen syg"' in page

    def test_the_course_page_offers_to_correct(self, cast, held, client_for):
        page = client_for(cast.bob).get(cast.course_boegely.get_absolute_url()).content.decode()
        assert f'href="{_url(cast)}"' in page and ">Ret<" in page


class TestCorrecting:
    def test_a_reason_is_required_and_nothing_changes_without_it(self, cast, held, client_for):
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.bob).post(
                _url(cast),
                {"outcome": "cancelled", "cause": "institution", "reason": "", "version": 0},
            )
        assert "Skriv, hvorfor registreringen rettes." in response.content.decode()
        assert written == []
        session = Session.objects.get(pk=held.pk)
        assert session.status == Session.Status.HELD and session.corrections == []

    def test_a_correction_made_meanwhile_is_not_replaced_unseen(self, cast, held):
        """Bob and Alice open the registered session; Bob corrects it to cancelled. Alice's
        correction, started from the registration before Bob's, is refused with the conflict
        wording and her choices kept; saving again is her deliberate choice."""
        from django.test import Client
        from django.utils.html import escape

        from inklusio.core.errors import EDIT_CONFLICT_MESSAGE

        bob, alice = Client(), Client()
        bob.force_login(cast.bob)
        alice.force_login(cast.alice)
        opened = alice.get(_url(cast)).context["held_form"].fields["version"].initial
        assert opened == 0
        bob.post(
            _url(cast),
            {"outcome": "cancelled", "cause": "illness", "reason": "Aflyst", "version": opened},
        )
        theirs = {
            "outcome": "held",
            "attendees": [cast.participant_mia.pk],
            "note": "Alice var der",
            "reason": "Den blev holdt",
            "version": opened,
        }
        refused = alice.post(_url(cast), theirs)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert escape(str(EDIT_CONFLICT_MESSAGE)) in page and "Alice var der" in page
        session = Session.objects.get(pk=held.pk)
        assert session.status == Session.Status.CANCELLED and len(session.corrections) == 1
        assert refused.context["held_form"].data["version"] == 1  # now Bob's correction's
        assert alice.post(_url(cast), {**theirs, "version": 1}).status_code == 302
        session.refresh_from_db()
        assert session.status == Session.Status.HELD and len(session.corrections) == 2

    def test_the_earlier_registration_is_kept_as_history_and_logged(self, cast, held, client_for):
        with new_audit_rows(writes_only=True) as written:
            response = client_for(cast.sara).post(
                _url(cast),
                {
                    "outcome": "cancelled",
                    "cause": "institution",
                    "note": "Stuen var på tur",
                    "reason": "Registreret på den forkerte samling",
                    "version": 0,
                },
            )
        assert response.status_code == 302
        session = Session.objects.get(pk=held.pk)
        assert session.status == Session.Status.CANCELLED
        assert session.cause == "institution" and session.recorded_by == cast.sara
        assert list(session.attendees.all()) == []
        [earlier] = session.corrections
        assert earlier["status"] == "held"
        assert earlier["note"] == "Mia ledte sangen"
        assert earlier["attendees"] == [str(cast.participant_mia.public_id)]
        assert earlier["recorded_by"] == cast.bob.get_full_name()
        assert earlier["corrected_by"] == cast.sara.get_full_name()
        assert earlier["reason"] == "Registreret på den forkerte samling"
        [entry] = written
        assert entry.action == AuditAction.CHANGE and entry.object_type == "session"
        assert entry.changes["status"] == {"before": "held", "after": "cancelled"}
        assert entry.changes["cause"] == {"before": "", "after": "institution"}
        assert entry.changes["version"] == {"before": 1, "after": 2}
        assert "forkerte" not in str(entry.changes)  # the reason is free text

        page = client_for(cast.bob).get(_url(cast)).content.decode()
        history = page.split('data-testid="session-history"', 1)[1]
        assert "Gennemført" in history and cast.bob.get_full_name() in history
        assert "Mia Testesen" in history and "Registreret på den forkerte samling" in history
        assert cast.sara.get_full_name() in history

    def test_a_session_corrected_to_cancelled_names_who_cancelled_it(self, cast, held, client_for):
        services.session_correct(
            actor=cast.sara,
            session=held,
            outcome="cancelled",
            cause="illness",
            reason="Fejl",
            version=0,
        )
        page = client_for(cast.bob).get(cast.course_boegely.get_absolute_url()).content.decode()
        assert f"Sygdom ({cast.sara.get_full_name()})" in page

    def test_corrections_stack_newest_first(self, cast, held):
        services.session_correct(
            actor=cast.bob,
            session=held,
            outcome="cancelled",
            cause="illness",
            reason="Først",
            version=0,
        )
        services.session_correct(
            actor=cast.bob,
            session=held,
            outcome="held",
            attendees=[cast.participant_mia],
            reason="Alligevel",
            version=1,
        )
        session = Session.objects.get(pk=held.pk)
        assert [e["reason"] for e in session.history] == ["Alligevel", "Først"]
        assert [e["status"] for e in session.corrections] == ["held", "cancelled"]
        assert session.status == Session.Status.HELD

    def test_a_closed_course_is_history(self, cast, held, client_for):
        Course.objects.filter(pk=cast.course_boegely.pk).update(
            closed_on=datetime.date(2026, 12, 10)
        )
        response = client_for(cast.bob).post(
            _url(cast), {"outcome": "cancelled", "cause": "illness", "reason": "Fejl"}
        )
        assert response.status_code == 404
        with pytest.raises(services.CourseRuleBroken, match="afsluttet"):
            services.session_correct(
                actor=cast.bob,
                session=held,
                outcome="cancelled",
                cause="illness",
                reason="x",
                version=0,
            )

    def test_ended_and_other_users_cannot_correct(self, cast, ended, held, client_for):
        data = {"outcome": "cancelled", "cause": "illness", "reason": "Fejl"}
        for user in [*ended.users, cast.carl, cast.gert, cast.pia, cast.dora]:
            response = client_for(user).post(_url(cast), data)
            assert response.status_code == 404, user
        assert Session.objects.get(pk=held.pk).status == Session.Status.HELD


class TestASessionStillToCome:
    """Cancelled in advance, a session is corrected like any other, but not to held before its
    day (attendance at a session still to come would be made up)."""

    HELD_FROM_ITS_DAY = (
        "Samlingen er planlagt til {day} og kan først registreres som gennemført fra den dag."
    )

    @pytest.fixture
    def cancelled(self, cast):
        return services.session_cancel(actor=cast.bob, session=cast.session_boegely, cause="other")

    def test_its_cancellation_is_corrected(self, cast, cancelled):
        services.session_correct(
            actor=cast.bob,
            session=cancelled,
            outcome="cancelled",
            cause="illness",
            reason="Syg",
            version=0,
        )
        session = Session.objects.get(pk=cancelled.pk)
        assert (session.status, session.cause) == ("cancelled", "illness")

    def test_it_is_not_corrected_to_held(self, cast, cancelled):
        with new_audit_rows() as written, pytest.raises(services.CourseRuleBroken) as refused:
            services.session_correct(
                actor=cast.bob, session=cancelled, outcome="held",
                attendees=[cast.participant_mia], reason="Den blev alligevel holdt",
                version=0,
            )  # fmt: skip
        assert str(refused.value) == self.HELD_FROM_ITS_DAY.format(day=short_date(cancelled.date))
        session = Session.objects.get(pk=cancelled.pk)
        assert (session.status, session.cause, session.corrections) == ("cancelled", "other", [])
        assert not session.attendees.exists()
        assert written == []

    def test_the_page_offers_no_held_and_refuses_it_keeping_what_was_typed(
        self, cast, cancelled, client_for
    ):
        url = reverse("session-record", args=[cancelled.public_id])
        client = client_for(cast.bob)
        page = client.get(url).content.decode()
        assert "Ret til gennemført" not in page and "Ret til aflyst" in page
        assert self.HELD_FROM_ITS_DAY.format(day=short_date(cancelled.date)) in page
        typed = {
            "outcome": "held",
            "attendees": [cast.participant_mia.pk],
            "note": "Mia ledte sangen",
            "reason": "Den blev alligevel holdt",
            "version": 0,
        }
        with new_audit_rows(writes_only=True) as written:
            response = client.post(url, typed)
        page = response.content.decode()
        assert response.status_code == 200
        assert self.HELD_FROM_ITS_DAY.format(day=short_date(cancelled.date)) in page
        assert "Mia ledte sangen</textarea>" in page
        assert 'value="Den blev alligevel holdt"' in page
        mia_box = page.split(f'value="{cast.participant_mia.pk}"', 1)[1].split(">", 1)[0]
        assert "checked" in mia_box  # ticked by Bob; the cancelled session's form has none
        assert written == []
        session = Session.objects.get(pk=cancelled.pk)
        assert (session.status, session.corrections) == ("cancelled", [])
