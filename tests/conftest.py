"""The cast of the test stories.

Ishøj: alice (administrator), cora (corps leader), bob (pedagogue at Bøgely), carl (leader at
Elverhøj), sara (staff at Bøgely), pia (psychologist invited to Mia's case), gert (Mia's father).
Dragør: dora (administrator). Mia goes to Bøgely, Emil to Elverhøj, Dragør's Xenia to Søstjernen.

The `ended` fixture adds relations that have ended (each mirrors a current one, and none may
reach Mia's case any more): ida (psychologist whose invitation to Mia expired yesterday), mads
(staff who moved from Bøgely to Elverhøj after taking part in Mia's plan meeting), olga (Mia's
mother, whose guardianship ended last month), petra (pedagogue whose attachment to Bøgely ended
yesterday, also at Mia's plan meeting).

The whole suite runs on a clock that starts at TODAY (and ticks from there), so the cast's dates
keep their place relative to "today" however late the suite is run. The browser (Chromium) keeps
the real clock: nothing it is sent may depend on the two agreeing (session cookies carry no
expiry date; the CSRF token lives in the session).
"""

import datetime
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.functional import empty

from inklusio.children.models import Child, Guardian, Guardianship, PartnerInvitation
from inklusio.core.storage import private_storage
from inklusio.courses.models import Course, Participant, ResourceTask, Session
from inklusio.imports.models import ImportRun
from inklusio.jobs.models import Job
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    Recommendation,
)
from inklusio.organisation.models import Institution, Municipality, ResourceGroup, Room
from inklusio.people.models import ApiToken, PedagogueAttachment, Profession, Role, User
from inklusio.planning.models import Contract, WeeklyPlan
from inklusio.plans.models import ActionPlan, Adjustment, PlanMeeting
from inklusio.privacy.models import DataRequest
from inklusio.referrals.models import (
    Appeal,
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    LegalBasis,
    Offer,
    Referral,
    ReferralAttachment,
    VisitationPeriod,
    WaitingListEntry,
)
from inklusio.screening.models import ScreeningRating, ScreeningRound
from inklusio.transitions.models import Handover

PASSWORD = "test-password-42"

# A Wednesday in the visitation period 2026/27: the cast's session (2 December) and consultative
# meeting (1 December) lie ahead, its committee meeting (1 September) and plan meeting behind.
TODAY = datetime.date(2026, 11, 25)
# The Monday after TODAY: the week of the cast's weekly plan.
NEXT_MONDAY = TODAY + datetime.timedelta(days=7 - TODAY.weekday())
CLOCK_START = datetime.datetime.combine(
    TODAY, datetime.time(10), tzinfo=ZoneInfo("Europe/Copenhagen")
)


@pytest.fixture(scope="session", autouse=True)
def frozen_clock():
    """Every test sees TODAY as today, whatever the real date (CI also runs a year ahead)."""
    with time_machine.travel(CLOCK_START, tick=True):
        yield


@dataclass
class Cast:
    ishoj: Municipality
    dragoer: Municipality
    boegely: Institution
    elverhoej: Institution
    soestjernen: Institution
    group_boegely: ResourceGroup
    group_dragoer: ResourceGroup
    alice: User
    cora: User
    bob: User
    carl: User
    sara: User
    pia: User
    gert: User
    dora: User
    mia: Child
    emil: Child
    xenia: Child
    plan: WeeklyPlan
    contract_bob: Contract
    legal_basis: LegalBasis
    period: VisitationPeriod
    meeting: CommitteeMeeting
    referral_mia: Referral
    draft_emil: Referral
    waiting_emil: Referral
    queued_emil: WaitingListEntry
    decision_mia: Decision
    letter_mia: DecisionLetter
    appeal_mia: Appeal
    attachment_mia: ReferralAttachment
    task_boegely: ResourceTask
    course_boegely: Course
    participant_mia: Participant
    session_boegely: Session  # next Wednesday (2 December); last week's: session_boegely_past
    plan_mia: ActionPlan
    plan_meeting: PlanMeeting
    adjustment_mia: Adjustment
    consultative_boegely: ConsultativeMeeting
    item_mia: AgendaItem
    recommendation_mia: Recommendation
    consent_mia: DiscussionConsent
    job_cora: Job
    import_alice: ImportRun
    data_request_mia: DataRequest
    token_bob: ApiToken
    handover_mia: Handover
    screening_boegely: ScreeningRound

    @property
    def ishoj_users(self) -> list[User]:
        return [self.alice, self.cora, self.bob, self.carl, self.sara, self.pia, self.gert]

    @property
    def users(self) -> list[User]:
        return [*self.ishoj_users, self.dora]


def make_user(username, municipality, role, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Testesen",
        municipality=municipality,
        role=role,
        **extra,
    )


def assert_open_accounts_have_their_own_emails() -> None:
    """Single sign-on finds an account by its address: no two open accounts share one."""
    emails = [
        email.casefold()
        for email in User.objects.filter(is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    ]
    assert emails and len(emails) == len(set(emails))


def migrate_to(targets):
    """Migrate the test database to `targets` (as `migrate app name` would) and return the
    models of that state: for tests of a migration's data step."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Leave the schema as the other tests expect it: going back to an older state also
    unapplied every later migration of other apps that depends on it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def earlier_period(cast, years_back: int = 1, **extra) -> VisitationPeriod:
    """The cast's visitation period as it ran `years_back` years before the current one."""
    return VisitationPeriod.objects.create(
        municipality=cast.ishoj,
        start=cast.period.start.replace(year=cast.period.start.year - years_back),
        end=cast.period.end.replace(year=cast.period.end.year - years_back),
        **extra,
    )


def make_child(municipality, institution, first_name, cpr, **extra) -> Child:
    from stdnum.dk import cpr as cpr_number

    return Child.objects.create(
        municipality=municipality,
        institution=institution,
        first_name=first_name,
        last_name="Testesen",
        cpr=cpr,
        birth_date=cpr_number.get_birth_date(cpr),
        **extra,
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def thread_language():
    """The locale middleware leaves a request's language active in the thread after it; a test
    that asks for English would otherwise hand it to the next test on the same worker."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db) -> Cast:
    ishoj = Municipality.objects.create(name="Ishøj Kommune", slug="ishoj")
    dragoer = Municipality.objects.create(name="Dragør Kommune", slug="dragoer")
    boegely = Institution.objects.create(
        municipality=ishoj, name="Bøgely", kind=Institution.Kind.INTEGRATED, size=120
    )
    elverhoej = Institution.objects.create(
        municipality=ishoj, name="Elverhøj", kind=Institution.Kind.KINDERGARTEN, size=80
    )
    soestjernen = Institution.objects.create(
        municipality=dragoer, name="Søstjernen", kind=Institution.Kind.NURSERY, size=40
    )
    solsikken = Room.objects.create(municipality=ishoj, institution=boegely, name="Solsikken")
    group_boegely = ResourceGroup.objects.create(
        municipality=ishoj,
        institution=boegely,
        name="Ressourcegruppen Bøgely",
        kind=ResourceGroup.Kind.RESOURCE_GROUP,
        places=6,
    )
    group_dragoer = ResourceGroup.objects.create(
        municipality=dragoer,
        institution=soestjernen,
        name="Minigruppen Søstjernen",
        kind=ResourceGroup.Kind.MINI_GROUP,
        places=5,
    )
    alice = make_user("alice", ishoj, Role.ADMINISTRATOR)
    cora = make_user("cora", ishoj, Role.CORPS_LEADER)
    bob = make_user("bob", ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=ishoj,
        pedagogue=bob,
        institution=boegely,
        function=PedagogueAttachment.Function.RESOURCE,
    )
    carl = make_user("carl", ishoj, Role.INSTITUTION_LEADER, institution=elverhoej)
    sara = make_user("sara", ishoj, Role.STAFF, institution=boegely)
    pia = make_user("pia", ishoj, Role.PARTNER, profession=Profession.PSYCHOLOGIST)
    gert = make_user("gert", ishoj, Role.GUARDIAN)
    dora = make_user("dora", dragoer, Role.ADMINISTRATOR)
    mia = make_child(
        ishoj, boegely, "Mia", "1503224123", resource_group=group_boegely, room=solsikken
    )
    emil = make_child(ishoj, elverhoej, "Emil", "0201234567")
    xenia = make_child(dragoer, soestjernen, "Xenia", "1107214321")
    father = Guardian.objects.create(municipality=ishoj, name="Gert Testesen", user=gert)
    Guardianship.objects.create(municipality=ishoj, child=mia, guardian=father, relation="far")
    PartnerInvitation.objects.create(
        municipality=ishoj, child=mia, partner=pia, invited_by=alice, reason="Konsultativt møde"
    )
    plan = WeeklyPlan.objects.create(municipality=ishoj, week_start=NEXT_MONDAY, created_by=cora)
    contract_bob = Contract.objects.create(municipality=ishoj, pedagogue=bob)
    job_cora = Job.objects.create(  # the annual report Cora ordered, made and ready to fetch
        municipality=ishoj,
        kind="annual-report",
        params={"year": 2026},
        requested_by=cora,
        status=Job.Status.DONE,
        attempts=1,
        file_name="aarsrapport-2026.pdf",
        stored_name=private_storage.save(
            "jobs/test/aarsrapport-2026.pdf", ContentFile(_blank_pdf())
        ),
        content_type="application/pdf",
    )
    visitation = _visitation(ishoj, alice, pia, carl, mia, emil)
    courses = _courses(ishoj, boegely, bob, alice, mia)
    plans = _plans(ishoj, boegely, bob, sara, gert, pia, alice, mia)
    import_alice = ImportRun.objects.create(  # Alice's dry run of a file naming Mia, unchanged
        municipality=ishoj,
        kind="children",
        file_name="boern.csv",
        stored_name=private_storage.save(
            "imports/test/boern.csv",
            ContentFile("CPR-nummer;Fornavn;Efternavn;Daginstitution\r\n".encode("utf-8-sig")),
        ),
        uploaded_by=alice,
        status=ImportRun.Status.CHECKED,
        total_rows=1,
        processed_rows=1,
        rows=[
            {
                "line": 2,
                "action": "unchanged",
                "label": f"{mia.full_name} ({mia.cpr[:6]}-xxxx)",
                "reasons": [],
                "child": str(mia.public_id),
            }
        ],
    )
    data_request_mia = DataRequest.objects.create(  # Gert asked what is held about Mia
        municipality=ishoj,
        child=mia,
        requester="Gert Testesen",
        received_on=TODAY - datetime.timedelta(days=3),
        deadline=TODAY - datetime.timedelta(days=3) + datetime.timedelta(days=30),
        registered_by=alice,
    )
    token_bob = ApiToken.objects.create(
        municipality=ishoj,
        owner=bob,
        name="Bobs tablet",
        prefix="b0b0b0b0",
        secret_hash="0" * 64,
        scope=ApiToken.Scope.READ_WRITE,
        expires_on=TODAY + datetime.timedelta(days=90),
        created_by=bob,
    )
    # Mia moves on to Elverhøj: Alice handed her over to Carl, shared with her father's consent.
    handover_mia = Handover.objects.create(
        municipality=ishoj,
        child=mia,
        kind=Handover.Kind.INSTITUTION,
        receiving_institution=elverhoej,
        receiver=carl,
        what_works="Billedstøtte ved skift",
        next_steps="Besøg på Elverhøj før start",
        handover_date=TODAY + datetime.timedelta(days=30),
        access_until=TODAY + datetime.timedelta(days=90),
        consent=DiscussionConsent.objects.create(
            municipality=ishoj,
            child=mia,
            scope=DiscussionConsent.Scope.HANDOVER,
            wording="Vi giver samtykke til, at Bøgely giver Elverhøj Mias overleveringsmappe.",
            given_by="Gert Testesen",
            given_on=TODAY - datetime.timedelta(days=2),
            recorded_by=alice,
        ),
        shared_on=TODAY - datetime.timedelta(days=1),
        created_by=alice,
    )
    # Sara screened Solsikken this half year: Mia is yellow on well-being, to be discussed at
    # the consultative meeting. The round is still open.
    screening_boegely = ScreeningRound.objects.create(
        municipality=ishoj,
        institution=boegely,
        room=solsikken,
        year=TODAY.year,
        half=1 if TODAY.month <= 6 else 2,
        opened_on=TODAY - datetime.timedelta(days=14),
        opened_by=sara,
    )
    ScreeningRating.objects.create(
        municipality=ishoj,
        round=screening_boegely,
        child=mia,
        wellbeing="yellow",
        development="green",
        follow_up="meeting",
        rated_by=sara,
        rated_on=TODAY - datetime.timedelta(days=7),
    )
    return Cast(
        **plans,
        screening_boegely=screening_boegely,
        token_bob=token_bob,
        handover_mia=handover_mia,
        **visitation,
        **courses,
        plan=plan,
        contract_bob=contract_bob,
        job_cora=job_cora,
        import_alice=import_alice,
        data_request_mia=data_request_mia,
        ishoj=ishoj,
        dragoer=dragoer,
        boegely=boegely,
        elverhoej=elverhoej,
        soestjernen=soestjernen,
        group_boegely=group_boegely,
        group_dragoer=group_dragoer,
        alice=alice,
        cora=cora,
        bob=bob,
        carl=carl,
        sara=sara,
        pia=pia,
        gert=gert,
        dora=dora,
        mia=mia,
        emil=emil,
        xenia=xenia,
    )


@dataclass
class Ended:
    ida: User
    mads: User
    olga: User
    petra: User

    @property
    def users(self) -> list[User]:
        return [self.ida, self.mads, self.olga, self.petra]


@pytest.fixture
def ended(cast) -> Ended:
    """Relations that granted access to Mia's case and have ended (see the module docstring)."""
    return Ended(
        **_ended(cast.ishoj, cast.boegely, cast.elverhoej, cast.alice, cast.mia, cast.plan_meeting)
    )


def _ended(ishoj, boegely, elverhoej, alice, mia, plan_meeting) -> dict:
    yesterday = TODAY - datetime.timedelta(days=1)
    ida = make_user("ida", ishoj, Role.PARTNER, profession=Profession.PSYCHOLOGIST)
    PartnerInvitation.objects.create(
        municipality=ishoj,
        child=mia,
        partner=ida,
        invited_by=alice,
        reason="Udredning",
        valid_from=TODAY - datetime.timedelta(days=120),
        valid_until=yesterday,
    )
    mads = make_user("mads", ishoj, Role.STAFF, institution=elverhoej)  # was at Bøgely
    olga = make_user("olga", ishoj, Role.GUARDIAN)
    mother = Guardian.objects.create(municipality=ishoj, name="Olga Testesen", user=olga)
    Guardianship.objects.create(
        municipality=ishoj,
        child=mia,
        guardian=mother,
        relation="mor",
        ended_on=TODAY - datetime.timedelta(days=30),
    )
    petra = make_user("petra", ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=ishoj,
        pedagogue=petra,
        institution=boegely,
        function=PedagogueAttachment.Function.SUPPORT,
        ended_on=yesterday,
    )
    plan_meeting.participants.add(mads, petra)
    return {"ida": ida, "mads": mads, "olga": olga, "petra": petra}


def _plans(ishoj, boegely, bob, sara, gert, pia, alice, mia) -> dict:
    """Bob owns Mia's plan; Bob, Sara and Mia's father Gert agreed it at a meeting; Sara proposed a
    change. Pia (psychologist) discussed Mia at Bøgely's consultative meeting, with consent."""
    from inklusio.plans import services as plan_services

    plan = plan_services.plan_create(
        actor=bob,
        data={
            "child": mia,
            "owner": bob,
            "title": "Mias handleplan",
            "problem": "Svært ved overgange",
            "strategies": "Billedstøtte",
            "duration": "Et halvt år",
        },
        goals=[{"text": "Deltager i samling", "success_criterion": "4 af 5 dage"}],
        agreements=[{"text": "Laver dagsprogram", "owner": "Stuens pædagoger", "due": None}],
    )
    backdate_plan(plan, TODAY - datetime.timedelta(days=70))  # before its meeting on 1 October
    meeting = plan_services.plan_meeting_schedule(
        actor=bob,
        plan=plan,
        kind="initial",
        date=datetime.date(2026, 10, 1),
        start_time=datetime.time(9),
        place="Bøgely",
        participants=[bob, sara, gert],
    )
    meeting = plan_services.plan_meeting_hold(actor=bob, meeting=meeting, note="")
    adjustment = plan_services.adjustment_propose(
        actor=sara,
        plan=plan,
        reason="Kortere samling",
        agreement_text="Går efter 10 min",
        agreement_owner="Sara",
    )
    consent = DiscussionConsent.objects.create(
        municipality=ishoj,
        child=mia,
        given_by="Gert Testesen",
        given_on=datetime.date(2026, 9, 1),
        professions=["psychologist"],
        recorded_by=alice,
    )
    consultative = ConsultativeMeeting.objects.create(
        municipality=ishoj,
        institution=boegely,
        date=datetime.date(2026, 12, 1),
        resource_pedagogue=bob,
        created_by=alice,
    )
    consultative.partners.set([pia])
    item = AgendaItem.objects.create(
        municipality=ishoj,
        meeting=consultative,
        kind="child",
        child=mia,
        consent=consent,
        topic="Samling",
        added_by=alice,
    )
    recommendation = Recommendation.objects.create(
        municipality=ishoj, item=item, text="Fast rolle i samlingen", by=pia
    )
    plan.refresh_from_db()
    return {
        "plan_mia": plan,
        "plan_meeting": meeting,
        "adjustment_mia": adjustment,
        "consultative_boegely": consultative,
        "item_mia": item,
        "recommendation_mia": recommendation,
        "consent_mia": consent,
    }


def _courses(ishoj, boegely, bob, alice, mia) -> dict:
    """Bob runs a group course at Bøgely with Mia in it."""
    task = ResourceTask.objects.create(
        municipality=ishoj,
        institution=boegely,
        usage="pedagogue_coordinator",
        problem="Konflikter i frileg",
        created_by=alice,
    )
    course = Course.objects.create(
        municipality=ishoj,
        institution=boegely,
        task=task,
        kind=Course.Kind.GROUP,
        title="Legegruppe",
        goals="Flere børn med i legen",
        start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2027, 3, 31),
        pedagogue=bob,
        created_by=bob,
    )
    participant = Participant.objects.create(
        municipality=ishoj, course=course, child=mia, role=Participant.Role.CASE
    )
    # The next session, a week ahead in the planned week (a locked half-day in Bob's plan): it
    # can be cancelled, not yet recorded as held (last_weeks_session can).
    session = Session.objects.create(
        municipality=ishoj, course=course, date=TODAY + datetime.timedelta(days=7)
    )
    return {
        "task_boegely": task,
        "course_boegely": course,
        "participant_mia": participant,
        "session_boegely": session,
    }


def backdate_plan(plan: ActionPlan, day: datetime.date) -> None:
    """`plan` (and its versions) as written on `day`: a plan meeting is never dated before its
    plan was written, so a plan whose meetings lie behind was written before them."""
    written = datetime.datetime.combine(
        day, datetime.time(10), tzinfo=ZoneInfo("Europe/Copenhagen")
    )
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=written)
    plan.versions.update(created_at=written)
    plan.refresh_from_db()


def saved_version(obj) -> int:
    """The version of `obj` as saved now: what an edit form opened now would carry."""
    return type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()


def last_weeks_session(cast: Cast) -> Session:
    """Bob's session at Bøgely a week ago, not yet registered: one whose day has come, so it can
    be recorded as held. Not in the cast, whose course figures, pages and feeds count sessions;
    made when a test asks for it."""
    session, _ = Session.objects.get_or_create(
        municipality=cast.ishoj,
        course=cast.course_boegely,
        date=TODAY - datetime.timedelta(days=7),
        start_time=datetime.time(9),
    )
    return session


@pytest.fixture
def session_boegely_past(cast) -> Session:
    return last_weeks_session(cast)


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _visitation(ishoj, alice, pia, carl, mia, emil) -> dict:
    """Mia's case: pia referred her, the committee granted a support pedagogue at a meeting,
    a letter went out and her father appealed. Carl has a draft for Emil."""
    legal_basis = LegalBasis.objects.create(
        municipality=ishoj, title="Dagtilbudslovens § 4", text="Kommunen skal sørge for ..."
    )
    period = VisitationPeriod.objects.create(
        municipality=ishoj,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2027, 3, 31),
        support_places=7,
    )
    meeting = CommitteeMeeting.objects.create(
        municipality=ishoj, period=period, date=datetime.date(2026, 9, 1)
    )
    referral_mia = Referral.objects.create(
        municipality=ishoj,
        child=mia,
        offer=Offer.SUPPORT_PEDAGOGUE,
        category="contact_behaviour",
        description="Svært ved overgange.",
        consent_by="Gert Testesen",
        consent_date=datetime.date(2026, 8, 1),
        consent_method=Referral.ConsentMethod.WRITTEN,
        status=Referral.Status.DECIDED,
        referred_by=pia,
    )
    draft_emil = Referral.objects.create(
        municipality=ishoj,
        child=emil,
        offer=Offer.SUPPORT_PEDAGOGUE,
        category="speech_language",
        description="Taler kun få ord.",
        referred_by=carl,
    )
    waiting_emil = Referral.objects.create(
        municipality=ishoj,
        child=emil,
        offer=Offer.RESOURCE_GROUP_PLACE,
        category="speech_language",
        description="Har brug for en lille gruppe.",
        consent_by="Emils mor",
        consent_date=datetime.date(2026, 8, 1),
        consent_method=Referral.ConsentMethod.DIGITAL,
        status=Referral.Status.SUBMITTED,
        submitted_at=datetime.datetime(2026, 8, 2, 9, tzinfo=datetime.UTC),
        referred_by=carl,
    )
    # Emil's referral is in line for a place in Bøgely's resource group.
    queued_emil = WaitingListEntry.objects.create(
        municipality=ishoj,
        referral=waiting_emil,
        child=emil,
        offer=Offer.RESOURCE_GROUP_PLACE,
        resource_group=ResourceGroup.objects.get(
            municipality=ishoj, name="Ressourcegruppen Bøgely"
        ),
        position=1,
        added_on=datetime.date(2026, 9, 1),
        added_by=alice,
    )
    decision_mia = Decision.objects.create(
        municipality=ishoj,
        case_number="28.09.08-G01-0001-2026",
        child=mia,
        referral=referral_mia,
        outcome=Decision.Outcome.GRANTED,
        offer=Offer.SUPPORT_PEDAGOGUE,
        category="contact_behaviour",
        reasons="Behovet kan ikke dækkes af ressourcefunktionen.",
        legal_basis=legal_basis,
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2027, 8, 31),
        period=period,
        meeting=meeting,
        decided_by=alice,
        decided_on=meeting.date,
        contact_person=alice,
        reassessment_due=datetime.date(2027, 8, 1),
    )
    letter_mia = DecisionLetter.objects.create(
        municipality=ishoj,
        decision=decision_mia,
        version=1,
        pdf=_blank_pdf(),
        sha256="0" * 64,
        created_by=alice,
        sent_on=datetime.date(2026, 9, 2),
    )
    appeal_mia = Appeal.objects.create(
        municipality=ishoj,
        decision=decision_mia,
        received_on=datetime.date(2026, 9, 20),
        owner=alice,
        bundle=b"%PDF-1.4 bundle",
    )
    attachment_mia = ReferralAttachment.objects.create(
        municipality=ishoj,
        referral=referral_mia,
        stored_name=private_storage.save("referrals/test-mia.pdf", ContentFile(b"%PDF-1.4 bilag")),
        original_name="psykologudtalelse.pdf",
        content_type="application/pdf",
        size=14,
        uploaded_by=pia,
    )
    return {
        "legal_basis": legal_basis,
        "period": period,
        "meeting": meeting,
        "referral_mia": referral_mia,
        "draft_emil": draft_emil,
        "waiting_emil": waiting_emil,
        "queued_emil": queued_emil,
        "decision_mia": decision_mia,
        "letter_mia": letter_mia,
        "appeal_mia": appeal_mia,
        "attachment_mia": attachment_mia,
    }


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into var/."""
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    private_storage._wrapped = empty  # the storage reads the setting again on next use


@pytest.fixture
def client_for(client):
    """`client_for(user)` gives a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def _then_wait_for_load(action, page_of):
    def act_and_wait(self, *args, **kwargs):
        result = action(self, *args, **kwargs)
        page_of(self).wait_for_load_state("load")
        return result

    return act_and_wait


@pytest.fixture
def page(browser, monkeypatch):
    """A page whose clicks and key presses return once the page they lead to has loaded.

    Playwright's click returns when a navigation it starts has committed, while the new document
    may still be arriving; a test reading the page at that moment saw it empty or half-parsed
    (on CI's slower machine, not here). Waiting for the load event after every click makes each
    test read the page a user would see.
    """
    from playwright.sync_api import Locator, Page

    for name in ("click", "press"):
        monkeypatch.setattr(Page, name, _then_wait_for_load(getattr(Page, name), lambda p: p))
        monkeypatch.setattr(
            Locator, name, _then_wait_for_load(getattr(Locator, name), lambda loc: loc.page)
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    if throughput := int(os.environ.get("BROWSER_BYTES_PER_SECOND", "0")):
        # A slow line makes every page arrive in pieces: a test that reads a page too early fails.
        context.new_cdp_session(page).send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 20,
                "downloadThroughput": throughput,
                "uploadThroughput": throughput,
            },
        )
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(request):
    """Screenshots go under test-results/<test name>/ for people to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-results" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
