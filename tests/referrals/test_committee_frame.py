"""The committee's frame, set up through its pages: visitation periods, legal bases and committee
meetings. Each is recorded in the audit log; a refusal is explained in Danish by the field, with
what was typed kept."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.referrals.models import CommitteeMeeting, LegalBasis, VisitationPeriod
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def created(object_type: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.CREATE, object_type=object_type))


class TestPeriodCreate:
    def test_an_administrator_opens_next_years_period_and_it_is_logged(self, cast, client_for):
        response = client_for(cast.alice).post(
            reverse("period-create"), {"start_year": TODAY.year + 1, "support_places": 9}
        )
        assert response.status_code == 302
        period = VisitationPeriod.objects.get(municipality=cast.ishoj, start__year=TODAY.year + 1)
        assert (period.end, period.support_places) == (datetime.date(TODAY.year + 2, 3, 31), 9)
        [entry] = created("visitationperiod")
        assert entry.actor == cast.alice and entry.object_id == str(period.public_id)

    def test_a_period_that_exists_is_refused_by_the_year_keeping_the_places(self, cast, client_for):
        response = client_for(cast.alice).post(
            reverse("period-create"), {"start_year": 2026, "support_places": 9}, follow=True
        )
        form = response.context["period_form"]
        assert form.errors["start_year"] == ["Visitationsperioden 2026/27 findes allerede."]
        assert form["support_places"].value() == "9"
        assert "Visitationsperioden 2026/27 findes allerede." in response.content.decode()
        assert 'value="9"' in response.content.decode()
        assert VisitationPeriod.objects.filter(municipality=cast.ishoj).count() == 1
        assert created("visitationperiod") == []


class TestLegalBasisAdd:
    def test_a_new_legal_basis_is_listed_and_logged(self, cast, client_for):
        client = client_for(cast.alice)
        response = client.post(
            reverse("visitation-legal-bases"),
            {"title": "Dagtilbudslovens § 4a", "text": "Støtte til børn med særlige behov."},
        )
        assert response.status_code == 302
        basis = LegalBasis.objects.get(title="Dagtilbudslovens § 4a")
        assert basis.municipality == cast.ishoj
        [entry] = created("legalbasis")
        assert entry.actor == cast.alice and entry.object_label == "Dagtilbudslovens § 4a"
        assert (
            "Dagtilbudslovens § 4a"
            in client.get(reverse("visitation-legal-bases")).content.decode()
        )

    def test_a_title_already_in_the_list_is_refused_and_the_text_kept(self, cast, client_for):
        response = client_for(cast.alice).post(
            reverse("visitation-legal-bases"),
            {"title": "dagtilbudslovens § 4", "text": "En tekst, der ikke må gå tabt."},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["title"] == [
            "Lovgrundlaget »dagtilbudslovens § 4« findes allerede."
        ]
        assert "En tekst, der ikke må gå tabt." in response.content.decode()
        assert LegalBasis.objects.filter(municipality=cast.ishoj).count() == 1
        assert created("legalbasis") == []

    def test_another_municipality_may_use_the_same_title(self, cast, client_for):
        client_for(cast.dora).post(
            reverse("visitation-legal-bases"),
            {"title": "Dagtilbudslovens § 4", "text": "Dragørs gengivelse."},
        )
        assert LegalBasis.objects.filter(title="Dagtilbudslovens § 4").count() == 2


class TestCommitteeMeetingCreate:
    def test_a_meeting_in_the_current_period_is_created_and_logged(self, cast, client_for):
        day = TODAY + datetime.timedelta(days=7)
        response = client_for(cast.alice).post(
            reverse("meeting-create"), {"date": day.isoformat(), "note": "Fire indstillinger"}
        )
        meeting = CommitteeMeeting.objects.get(municipality=cast.ishoj, date=day)
        assert response["Location"] == meeting.get_absolute_url()
        assert meeting.period == cast.period and meeting.note == "Fire indstillinger"
        [entry] = created("committeemeeting")
        assert entry.actor == cast.alice and entry.object_id == str(meeting.public_id)

    def test_a_date_outside_every_period_is_refused_by_the_date_keeping_the_note(
        self, cast, client_for
    ):
        day = cast.period.end + datetime.timedelta(days=40)
        response = client_for(cast.alice).post(
            reverse("meeting-create"),
            {"date": day.isoformat(), "note": "Husk budgettet"},
            follow=True,
        )
        form = response.context["meeting_form"]
        assert form.errors["date"] == [
            f"Der er ikke oprettet en visitationsperiode, der dækker {short_date(day)}."
        ]
        page = response.content.decode()
        assert "Husk budgettet" in page and form.errors["date"][0] in page
        assert not CommitteeMeeting.objects.filter(date=day).exists()
        assert created("committeemeeting") == []
