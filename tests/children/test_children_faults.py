"""Registering and correcting a child as the leader sees it: which CPR numbers are taken as a
daycare child's (the day a child turns seven, a child who left years ago, a birth after leaving),
the exact refusals, an edit that keeps or corrects the number, an outdated edit, and what the
log says about a new guardian."""

import datetime

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction
from inklusio.children import services
from inklusio.children.models import Child
from inklusio.core.errors import EditConflict
from tests.audit_rows import new_audit_rows
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _cpr(born: datetime.date, serial: str = "4001") -> str:
    """A CPR number for a child born in this century (a 4 as seventh digit: 2000–2036)."""
    return f"{born:%d%m%y}{serial}"


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year - years)


def _nora(cast, born: datetime.date, **extra):
    return {
        "cpr": _cpr(born),
        "first_name": "Nora",
        "last_name": "Nielsen",
        "institution": cast.elverhoej,
        **extra,
    }


def _too_old(born: datetime.date) -> str:
    return (
        f"CPR-nummeret giver en fødselsdato ({born.day}.{born.month}.{born.year}), så barnet er "
        "over 7 år. "
        "Et barn i dagtilbud er 0–6 år: kontrollér nummeret."
    )


class TestWhichBirthDatesAreADaycareChilds:
    def test_a_child_turning_seven_today_is_registered(self, cast):
        born = _years_before(TODAY, 7)
        child = services.child_create(actor=cast.carl, data=_nora(cast, born))
        assert child.birth_date == born

    def test_a_child_who_turned_seven_yesterday_is_refused_with_the_birth_date(self, cast):
        born = _years_before(TODAY, 7) - datetime.timedelta(days=1)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_create(actor=cast.carl, data=_nora(cast, born))
        assert str(refused.value) == _too_old(born)
        assert not Child.objects.filter(first_name="Nora").exists()

    def test_a_child_born_today_is_registered_one_born_tomorrow_is_refused(self, cast):
        assert services.child_create(actor=cast.carl, data=_nora(cast, TODAY)).pk
        tomorrow = TODAY + datetime.timedelta(days=1)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_create(actor=cast.carl, data=_nora(cast, tomorrow))
        assert str(refused.value) == "CPR-nummerets fødselsdato ligger i fremtiden."

    def test_a_child_who_left_years_ago_is_measured_on_the_day_it_left(self, cast):
        left = _years_before(TODAY, 3)
        born = _years_before(left, 6)  # six when leaving, nine today
        child = services.child_create(actor=cast.alice, data=_nora(cast, born, left_on=left))
        assert (child.birth_date, child.left_on) == (born, left)
        older = _years_before(left, 7) - datetime.timedelta(days=1)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_create(
                actor=cast.alice, data=_nora(cast, older, left_on=left, first_name="Olga")
            )
        assert str(refused.value) == _too_old(older)

    def test_a_child_may_leave_on_the_day_it_was_born_but_not_before(self, cast):
        left = _years_before(TODAY, 2)
        assert services.child_create(actor=cast.alice, data=_nora(cast, left, left_on=left)).pk
        born_after = left + datetime.timedelta(days=1)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_create(
                actor=cast.alice, data=_nora(cast, born_after, left_on=left, first_name="Olga")
            )
        assert str(refused.value) == "Barnet kan ikke have forladt dagtilbuddet før sin fødsel."

    def test_a_child_leaving_today_and_born_tomorrow_is_said_to_leave_before_its_birth(self, cast):
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_create(
                actor=cast.alice,
                data=_nora(cast, TODAY + datetime.timedelta(days=1), left_on=TODAY),
            )
        assert str(refused.value) == "Barnet kan ikke have forladt dagtilbuddet før sin fødsel."

    def test_a_child_leaving_later_is_measured_today(self, cast):
        born = _years_before(TODAY, 7) + datetime.timedelta(days=10)  # six today, seven at leaving
        later = TODAY + datetime.timedelta(days=30)
        child = services.child_create(actor=cast.alice, data=_nora(cast, born, left_on=later))
        assert (child.birth_date, child.left_on) == (born, later)


class TestCorrectingAChild:
    def test_the_same_number_sent_again_keeps_it_and_saves_the_rest(self, cast):
        child = services.child_update(
            actor=cast.carl,
            child=cast.emil,
            data={"cpr": cast.emil.cpr, "first_name": "Emilio", "languages": "dansk"},
            expected_version=cast.emil.version,
        )
        child.refresh_from_db()
        assert (child.cpr, child.first_name, child.languages) == ("0201234567", "Emilio", "dansk")

    def test_an_empty_number_from_the_edit_form_keeps_the_number(self, cast):
        with new_audit_rows() as rows:
            child = services.child_update(
                actor=cast.carl,
                child=cast.emil,
                data={"cpr": "", "first_name": "Emilio"},
                expected_version=cast.emil.version,
            )
        child.refresh_from_db()
        assert (child.cpr, child.first_name) == ("0201234567", "Emilio")
        [row] = rows
        assert row.changes == {
            "first_name": {"before": "Emil", "after": "Emilio"},
            "version": {"before": 1, "after": 2},
        }

    def test_a_corrected_number_changes_the_birth_date(self, cast):
        born = _years_before(TODAY, 3) - datetime.timedelta(days=261)
        child = services.child_update(
            actor=cast.alice,
            child=cast.emil,
            data={"cpr": _cpr(born)},
            expected_version=cast.emil.version,
        )
        child.refresh_from_db()
        assert (child.cpr, child.birth_date) == (_cpr(born), born)

    def test_a_corrected_number_of_a_child_who_left_is_measured_on_the_day_it_left(self, cast):
        left = _years_before(TODAY, 3)
        child = services.child_create(
            actor=cast.alice,
            data=_nora(cast, _years_before(left, 5), left_on=left),
        )
        corrected = _years_before(left, 6)
        changed = services.child_update(
            actor=cast.alice,
            child=child,
            data={"cpr": _cpr(corrected)},
            expected_version=child.version,
        )
        assert changed.birth_date == corrected
        too_old = _years_before(left, 7) - datetime.timedelta(days=1)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_update(
                actor=cast.alice,
                child=child,
                data={"cpr": _cpr(too_old)},
                expected_version=changed.version,
            )
        assert str(refused.value) == _too_old(too_old)

    def test_a_number_and_a_leaving_day_corrected_together_are_measured_together(self, cast):
        left = _years_before(TODAY, 3)
        born = _years_before(left, 6)  # nine today, six on the day Emil left
        child = services.child_update(
            actor=cast.alice,
            child=cast.emil,
            data={"cpr": _cpr(born), "left_on": left},
            expected_version=cast.emil.version,
        )
        child.refresh_from_db()
        assert (child.birth_date, child.left_on) == (born, left)

    def test_a_leaving_day_before_the_birth_is_refused_on_the_edit_form(self, cast, client_for):
        """As when the child is registered: a slip in the year would have made the child leave
        daycare at once, and vanish from the institution's lists."""
        url = reverse("child-edit", args=[cast.emil.public_id])
        page = client_for(cast.alice).get(url).context["form"]
        typed = {**page.initial, "institution": cast.emil.institution_id, "cpr": ""}
        typed["version"] = cast.emil.version
        typed["left_on"] = (cast.emil.birth_date - datetime.timedelta(days=1)).isoformat()
        response = client_for(cast.alice).post(
            url, {k: v for k, v in typed.items() if v is not None}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["left_on"] == [
            "Barnet kan ikke have forladt dagtilbuddet før sin fødsel."
        ]
        cast.emil.refresh_from_db()
        assert cast.emil.left_on is None

    def test_a_corrected_number_that_is_too_old_is_refused_and_not_saved(self, cast):
        born = _years_before(TODAY, 8)
        with pytest.raises(services.ImplausibleAge) as refused:
            services.child_update(
                actor=cast.alice,
                child=cast.emil,
                data={"cpr": _cpr(born)},
                expected_version=cast.emil.version,
            )
        assert str(refused.value) == _too_old(born)
        cast.emil.refresh_from_db()
        assert cast.emil.cpr == "0201234567"

    def test_an_outdated_edit_is_told_what_changed_meanwhile_and_by_whom(self, cast):
        services.child_update(
            actor=cast.carl, child=cast.emil, data={"languages": "dansk"}, expected_version=1
        )
        with pytest.raises(EditConflict) as conflict:
            services.child_update(
                actor=cast.alice, child=cast.emil, data={"first_name": "Emilio"}, expected_version=1
            )
        assert conflict.value.current.pk == cast.emil.pk
        assert conflict.value.changed_fields == {
            "languages": {"before": "", "after": "dansk", "by": "Carl Testesen"}
        }
        cast.emil.refresh_from_db()
        assert (cast.emil.first_name, cast.emil.version) == ("Emil", 2)


class TestANewGuardian:
    def test_the_log_names_every_contact_field_and_hides_the_private_ones(self, cast):
        with new_audit_rows() as rows:
            guardian = services.guardian_add(
                actor=cast.carl,
                child=cast.emil,
                data={"name": "Hanne Testesen", "phone": "12345678", "address": "Vejen 1"},
                relation="mor",
            )
        [row] = rows
        assert row.action == AuditAction.CREATE
        assert row.changes == {
            "name": {"before": None, "after": "Hanne Testesen"},
            "email": {"before": None, "after": ""},
            "phone": {"before": None, "after": "•••"},
            "address": {"before": None, "after": "•••"},
            "address_protected": {"before": None, "after": False},
            "relation": {"before": None, "after": "mor"},
        }
        assert (guardian.name, guardian.address, guardian.municipality) == (
            "Hanne Testesen",
            "Vejen 1",
            cast.ishoj,
        )
        guardianship = guardian.guardianships.get()
        assert (guardianship.municipality, guardianship.has_custody) == (cast.ishoj, True)
