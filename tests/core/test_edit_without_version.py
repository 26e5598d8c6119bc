"""An edit that does not say which version it started from is refused, never saved unseen.

Every page that edits an existing record carries the record's version in a hidden field, so a
save on top of someone else's is refused as an edit conflict (tests/core/test_edit_conflicts.py).
A post without that version (a stale page, a hand-made request), or with one that is not a
number, could not be checked: it is refused with one Danish message above the fields, nothing
is saved and nothing written to the audit trail, what was typed stays in the form, and the
form's version moves on to the current one, so pressing Gem again is a deliberate save.
A post with a version the record has not reached is refused the same way, with its own message
(it is no edit conflict: nobody changed anything), and so is such a call of the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from inklusio.children import services as child_services
from inklusio.children.models import Child, Guardian
from inklusio.core.errors import EDIT_CONFLICT_MESSAGE, EditConflict, UnknownVersion
from inklusio.core.forms import VERSION_MISSING_MESSAGE, VERSION_UNKNOWN_MESSAGE
from inklusio.courses import services as course_services
from inklusio.courses.models import Course, Session
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.people.models import User
from inklusio.planning import services as planning_services
from inklusio.planning.models import Contract, PlanSlot, WeeklyPlan
from inklusio.plans import services as plan_services
from inklusio.plans.models import ActionPlan, GoalBankEntry
from inklusio.referrals.models import Referral
from inklusio.retention import rules
from inklusio.screening.models import ScreeningRating, ScreeningRound
from tests.audit_rows import new_audit_rows
from tests.conftest import last_weeks_session
from tests.core.test_edit_conflicts import form_on
from tests.partners.directory import organisation, profile

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """One editing page: `user` opens `url` and posts its form (to `post_url`, when the form
    posts elsewhere) with `typed` filled in; `kept` is the typed field checked on the refused
    page. `stored` reads what is saved now: the edited value (`saved` once it is saved, if not
    the typed text) and the record's version."""

    url: str
    user: User
    typed: dict[str, str]
    kept: str
    stored: Callable[[], tuple[object, int]]
    post_url: str = field(default="")
    saved: str = field(default="")


def _child(cast) -> Case:
    def stored():
        child = Child.objects.get(pk=cast.emil.pk)
        return child.last_name, child.version

    return Case(
        url=reverse("child-edit", args=[cast.emil.public_id]),
        user=cast.alice,
        typed={"last_name": "Testesen-Holm"},
        kept="last_name",
        stored=stored,
    )


def _plan(cast) -> Case:
    def stored():
        plan = ActionPlan.objects.get(pk=cast.plan_mia.pk)
        return plan.strategies, plan.version

    return Case(
        url=reverse("plan-edit", args=[cast.plan_mia.public_id]),
        user=cast.bob,
        typed={"strategies": "Billedstøtte og faste pladser i samlingen"},
        kept="strategies",
        stored=stored,
    )


def _goal_bank(cast) -> Case:
    entry = plan_services.goal_bank_create(
        actor=cast.alice,
        data={
            "category": "speech_language",
            "goal": "Bruger ord til at bede om hjælp",
            "success_criterion": "Beder selv om hjælp 3 af 5 dage",
            "strategies": "Sprogstøttende samtale i små grupper.",
        },
    )

    def stored():
        found = GoalBankEntry.objects.get(pk=entry.pk)
        return found.strategies, found.version

    return Case(
        url=reverse("goal-bank-edit", args=[entry.public_id]),
        user=cast.alice,
        typed={"strategies": "Samtale i små grupper ved frokost."},
        kept="strategies",
        stored=stored,
    )


def _referral(cast) -> Case:
    def stored():
        referral = Referral.objects.get(pk=cast.draft_emil.pk)
        return referral.description, referral.version

    return Case(
        url=reverse("referral-edit", args=[cast.draft_emil.public_id]),
        user=cast.carl,
        typed={"description": "Taler kun få ord og trækker sig fra legen."},
        kept="description",
        stored=stored,
    )


def _contract(cast) -> Case:
    def stored():
        contract = Contract.objects.get(pk=cast.contract_bob.pk)
        return str(contract.support_share_percent), contract.version

    return Case(
        url=reverse("planning-contract", args=[cast.contract_bob.public_id]),
        user=cast.cora,
        typed={"support_share_percent": "40"},
        kept="support_share_percent",
        stored=stored,
    )


def _slot(cast) -> Case:
    def stored():
        slot = PlanSlot.objects.filter(plan=cast.plan, pedagogue=cast.bob, day=4, half=1).first()
        return slot and slot.institution_id, WeeklyPlan.objects.get(pk=cast.plan.pk).version

    return Case(
        url=cast.plan.get_absolute_url(),
        post_url=reverse("planning-slot-edit", args=[cast.plan.public_id]),
        user=cast.cora,
        typed={
            "pedagogue": str(cast.bob.pk),
            "slot": "4-1",
            "institution": str(cast.boegely.pk),
            "function": "resource",
        },
        kept="slot",
        stored=stored,
        saved=str(cast.boegely.pk),
    )


def _course(cast) -> Case:
    def stored():
        course = Course.objects.get(pk=cast.course_boegely.pk)
        return course.goals, course.version

    return Case(
        url=reverse("course-edit", args=[cast.course_boegely.public_id]),
        user=cast.bob,
        typed={"goals": "Flere børn med i legen, også i frilegen"},
        kept="goals",
        stored=stored,
    )


def _session_correction(cast) -> Case:
    session = course_services.session_held(
        actor=cast.bob, session=last_weeks_session(cast), attendees=[cast.participant_mia]
    )

    def stored():
        found = Session.objects.get(pk=session.pk)
        return found.note, len(found.corrections)

    return Case(
        url=reverse("session-record", args=[session.public_id]),
        user=cast.bob,
        typed={"note": "Mia ledte sangen", "reason": "Noten manglede"},
        kept="note",
        stored=stored,
    )


def _screening(cast) -> Case:
    key = cast.mia.public_id.hex

    def stored():
        rating = ScreeningRating.objects.filter(child=cast.mia).first()
        version = ScreeningRound.objects.get(pk=cast.screening_boegely.pk).version
        return rating and rating.action, version

    return Case(
        url=reverse("screening-round", args=[cast.screening_boegely.public_id]),
        user=cast.sara,
        typed={
            f"{key}-wellbeing": "yellow",
            f"{key}-development": "green",
            f"{key}-follow_up": "room",
            f"{key}-action": "Fast voksen ved samling",
        },
        kept=f"{key}-action",
        stored=stored,
    )


def _minutes(cast) -> Case:
    def stored():
        minutes = ConsultativeMeeting.objects.get(pk=cast.consultative_boegely.pk).current_minutes
        return (minutes.text, minutes.number) if minutes else ("", 0)

    return Case(
        url=cast.consultative_boegely.get_absolute_url(),
        user=cast.bob,
        typed={"minutes": "Drøftet samling. Aftalt: fast voksen ved aflevering."},
        kept="minutes",
        stored=stored,
    )


def _organisation(cast) -> Case:
    found = organisation(cast)

    def stored():
        now = type(found).objects.get(pk=found.pk)
        return now.phone, now.version

    return Case(
        url=reverse("partner-organisation-edit", args=[found.public_id]),
        user=cast.alice,
        typed={"phone": "43 57 00 00"},
        kept="phone",
        stored=stored,
    )


def _partner(cast) -> Case:
    found = profile(cast)

    def stored():
        now = type(found).objects.select_related("user").get(pk=found.pk)
        return now.user.phone, now.version

    return Case(
        url=reverse("partner-person-edit", args=[found.public_id]),
        user=cast.alice,
        # Pia has no e-mail in the cast; the directory requires one.
        typed={"phone": "99 88 77 66", "email": "pia@ppr.invalid"},
        kept="phone",
        stored=stored,
    )


def _retention(cast) -> Case:
    def stored():
        policy = rules.policy_for(cast.ishoj)
        return policy.child_case_months, policy.version

    return Case(
        url=reverse("retention-settings"),
        user=cast.alice,
        typed={"child_case_months": "48"},
        kept="child_case_months",
        stored=stored,
    )


PAGES = {
    "child": _child,
    "plan": _plan,
    "goal_bank": _goal_bank,
    "referral": _referral,
    "contract": _contract,
    "weekly_plan_half_day": _slot,
    "course": _course,
    "session_correction": _session_correction,
    "screening": _screening,
    "minutes": _minutes,
    "partner_organisation": _organisation,
    "partner": _partner,
    "retention": _retention,
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("sent", ["left out", "not a number"])
@pytest.mark.parametrize("page", PAGES)
def test_an_edit_without_its_version_is_refused_kept_and_can_then_be_saved(cast, page, sent):
    case = PAGES[page](cast)
    client = signed_in(case.user)
    opened = form_on(client.get(case.url).content.decode())
    before = case.stored()
    assert opened["version"] == str(before[1])  # the page opens on the version saved now
    posted = {name: value for name, value in opened.items() if name != "version"}
    if sent == "not a number":
        posted["version"] = "2x"

    with new_audit_rows(writes_only=True) as written:
        refused = client.post(case.post_url or case.url, {**posted, **case.typed})
    assert refused.status_code == 200
    page_html = refused.content.decode()
    assert escape(str(VERSION_MISSING_MESSAGE)) in page_html
    shown = form_on(page_html)
    assert shown[case.kept] == case.typed[case.kept]  # what was typed is kept
    assert case.stored() == before  # nothing saved …
    assert written == []  # … and nothing logged as changed
    assert shown["version"] == str(before[1])  # the form moved on to the version saved now

    # Pressing Gem again on the refused page saves what was typed, on purpose.
    assert client.post(case.post_url or case.url, shown).status_code == 302
    value, version = case.stored()
    assert str(value) == (case.saved or case.typed[case.kept])
    assert version == before[1] + 1


@pytest.mark.parametrize("page", PAGES)
def test_an_edit_from_a_version_not_yet_saved_is_refused_on_its_own_terms(cast, page):
    """A version later than the record's (a hand-made request, a page of another copy of the
    database) was refused as an edit conflict in which nobody had changed anything. It is
    refused with its own message; the rest is as for a missing version."""
    case = PAGES[page](cast)
    client = signed_in(case.user)
    opened = form_on(client.get(case.url).content.decode())
    before = case.stored()
    posted = {**opened, **case.typed, "version": str(before[1] + 1)}

    with new_audit_rows(writes_only=True) as written:
        refused = client.post(case.post_url or case.url, posted)
    assert refused.status_code == 200
    page_html = refused.content.decode()
    assert escape(str(VERSION_UNKNOWN_MESSAGE)) in page_html
    assert escape(str(EDIT_CONFLICT_MESSAGE)) not in page_html
    shown = form_on(page_html)
    assert shown[case.kept] == case.typed[case.kept]  # what was typed is kept
    assert case.stored() == before  # nothing saved …
    assert written == []  # … and nothing logged as changed
    assert shown["version"] == str(before[1])  # the form moved on to the version saved now

    assert client.post(case.post_url or case.url, shown).status_code == 302
    assert case.stored()[1] == before[1] + 1


def _course_update(cast, version):
    course_services.course_update(
        actor=cast.bob, course=cast.course_boegely, data={}, expected_version=version
    )
    return Course.objects.get(pk=cast.course_boegely.pk).version


def _plan_update(cast, version):
    plan_services.plan_update(
        actor=cast.bob,
        plan=cast.plan_mia,
        data={},
        goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
        agreements=[],
        expected_version=version,
    )
    return ActionPlan.objects.get(pk=cast.plan_mia.pk).version


def _contract_update(cast, version):
    planning_services.contract_update(
        actor=cast.cora,
        contract=cast.contract_bob,
        data={"support_share_percent": 40},
        expected_version=version,
    )
    return Contract.objects.get(pk=cast.contract_bob.pk).version


def _minutes_save(cast, version):
    meeting_services.consultative_minutes_save(
        actor=cast.alice, meeting=cast.consultative_boegely, minutes="Drøftet.", version=version
    )
    minutes = ConsultativeMeeting.objects.get(pk=cast.consultative_boegely.pk).current_minutes
    return minutes.number if minutes else 0


def _guardian_update(cast, version):
    gert = Guardian.objects.get(name="Gert Testesen")
    child_services.guardian_update(
        actor=cast.alice,
        child=cast.mia,
        guardian=gert,
        data={"phone": f"12 34 56 {version:02d}"},
        relation="far",
        expected_version=version,
    )
    return Guardian.objects.get(pk=gert.pk).version


SERVICES = {
    "course": (_course_update, lambda cast: cast.course_boegely.version),
    "guardian": (_guardian_update, lambda cast: Guardian.objects.get(name="Gert Testesen").version),
    "plan": (_plan_update, lambda cast: cast.plan_mia.version),
    "contract": (_contract_update, lambda cast: cast.contract_bob.version),
    "minutes": (_minutes_save, lambda cast: 0),
}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_refuses_a_version_not_yet_saved_in_danish(cast, service):
    """Every caller (the pages, an API endpoint to come) gets the same refusal: not an edit
    conflict with an empty list of changes, nothing saved."""
    save, current = SERVICES[service]
    version = current(cast)
    with pytest.raises(UnknownVersion) as refused:
        save(cast, version + 1)
    assert not isinstance(refused.value, EditConflict)
    assert str(refused.value) == (
        f"Udgave {version + 1} findes ikke; den gemte er udgave {version}. Intet er gemt: "
        "hent den gemte udgave, og send dens nummer med ændringen."
    )
    assert save(cast, version) == version + 1  # the version saved now still saves


def test_a_refused_edit_of_a_child_still_logs_the_child_it_shows(cast):
    """The refused page is the edit page again, showing the child: the read is logged as on
    any other re-render."""
    case = _child(cast)
    client = signed_in(case.user)
    opened = form_on(client.get(case.url).content.decode())
    posted = {name: value for name, value in opened.items() if name != "version"}
    with new_audit_rows() as rows:
        client.post(case.url, {**posted, **case.typed})
    reads = [row for row in rows if row.action == "read" and row.object_type == "child"]
    assert [row.object_id for row in reads] == [str(cast.emil.public_id)]


def test_a_new_record_needs_no_version(cast):
    """Creating has nothing to conflict with: the create forms save without one."""
    client = signed_in(cast.alice)
    response = client.post(
        reverse("goal-bank-create"),
        {
            "category": "motor",
            "goal": "Tager selv overtøj på",
            "success_criterion": "Klarer det 4 af 5 dage",
            "strategies": "Billedstøtte i garderoben.",
        },
    )
    assert response.status_code == 302
    assert GoalBankEntry.objects.filter(goal="Tager selv overtøj på").exists()
