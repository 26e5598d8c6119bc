"""Demo action plans: one for the demo parent's child with acknowledgements still missing and a
proposed adjustment, one for a course with its follow-up overdue."""

import datetime

from django.utils import timezone

from inklusio.core.demo import DemoContext, weekday
from inklusio.courses.models import Course
from inklusio.people.models import User
from inklusio.plans import selectors, services
from inklusio.plans.models import Acknowledgement, ActionPlan, PlanMeeting

GOALS = [
    {
        "text": "Deltager i samling sammen med de andre børn",
        "success_criterion": "Sidder med hele samlingen 4 af 5 dage",
    },
    {
        "text": "Leger med mindst én kammerat i frileg",
        "success_criterion": "Pædagogerne ser leg med en kammerat dagligt",
    },
]


# The municipality's goal bank: goals and strategies a plan can start from (issue 16, point 8),
# worded like the Ishøj evaluation's plans (problem, goals, pedagogical strategies and methods).
GOAL_BANK = [
    {
        "category": "speech_language",
        "goal": "Bruger ord eller tegn til at bede om hjælp i hverdagens situationer",
        "success_criterion": "Beder selv om hjælp ved påklædning og måltid 3 af 5 dage",
        "strategies": "Sprogstøttende samtale i små grupper. Fast billed- og tegnstøtte ved "
        "måltidet. De voksne venter på barnets initiativ og sætter ord på.",
    },
    {
        "category": "contact_behaviour",
        "goal": "Går ind i leg med en kammerat og bliver i legen",
        "success_criterion": "Pædagogerne ser en leg med en kammerat på mindst 10 minutter dagligt",
        "strategies": "Legegruppe med to kammerater, der mestrer legen, som rollemodeller. "
        "En voksen guider legen i begyndelsen og trækker sig gradvist.",
    },
    {
        "category": "contact_behaviour",
        "goal": "Håndterer overgange i dagen uden konflikt",
        "success_criterion": "Højst én konflikt i overgangene om ugen",
        "strategies": "Dagsprogram med billeder. Varsling før hver overgang. Fast voksen, der "
        "følger barnet i overgangen.",
    },
    {
        "category": "attention",
        "goal": "Deltager i samling sammen med de andre børn",
        "success_criterion": "Sidder med hele samlingen 4 af 5 dage",
        "strategies": "Kort og forudsigelig samling med fast struktur. Fast plads ved en voksen. "
        "Konkrete materialer at holde i hånden.",
    },
    {
        "category": "motor",
        "goal": "Tager selv overtøj på",
        "success_criterion": "Tager selv jakke og sko på før udetid med højst én påmindelse",
        "strategies": "Påklædning i faste trin med billedstøtte i garderoben. Tid nok og ros "
        "for hvert trin; forældrene bruger samme trin derhjemme.",
    },
    {
        "category": "development",
        "goal": "Følger en kort instruktion med to trin",
        "success_criterion": "Følger en instruktion med to trin i 4 af 5 forsøg",
        "strategies": "Én instruktion ad gangen, vist og sagt. Gentagelse i faste rutiner.",
    },
    {
        "category": "hearing_vision",
        "goal": "Følger med i samtalen ved bordet",
        "success_criterion": "Svarer på spørgsmål ved frokosten de fleste dage",
        "strategies": "Fast plads med ansigtet mod den voksne og lyset bagfra. Mindre støj i "
        "rummet ved måltidet; tale-/hørekonsulenten rådgiver stuen.",
    },
]


def build(demo: DemoContext) -> None:
    administrator = demo.users["demo-forvaltning"]
    for entry in GOAL_BANK:
        services.goal_bank_create(actor=administrator, data=entry)
    today = demo.today
    leader, staff = demo.users["demo-leder"], demo.users["demo-personale"]
    pedagogue, parent = demo.users["demo-paedagog"], demo.users["demo-foraelder"]
    child = demo.children[0]  # the demo parent's child, at Bøgely
    plan = services.plan_create(
        actor=pedagogue,
        data={
            "child": child,
            "owner": pedagogue,
            "title": f"Handleplan for {child.first_name}",
            "problem": "Har svært ved overgange og trækker sig fra fællesskabet i samling og frileg.",
            "strategies": "Billedstøtte til dagens program. Fast voksen i overgange. Legegruppe med to kammerater.",
            "duration": "Et halvt år",
            "parent_collaboration": "Kort snak ved aflevering hver fredag. Forældrene bruger billedstøtten derhjemme.",
        },
        goals=GOALS,
        agreements=[
            {
                "text": "Laver dagsprogram med billeder",
                "owner": "Stuens pædagoger",
                "due": today - datetime.timedelta(days=30),
            },
            {"text": "Bruger billedstøtten om morgenen", "owner": "Mor og far", "due": None},
        ],
    )
    _backdate(plan, today - datetime.timedelta(weeks=7))
    meeting = services.plan_meeting_schedule(
        actor=pedagogue,
        plan=plan,
        kind=PlanMeeting.Kind.INITIAL,
        date=weekday(today - datetime.timedelta(weeks=6)),
        start_time=datetime.time(14, 0),
        place="Bøgely, personalestuen",
        participants=[leader, staff, pedagogue, parent],
    )
    services.plan_meeting_hold(actor=pedagogue, meeting=meeting, note="Alle var enige om planen.")
    # The parent has not acknowledged yet: the demo parent's start page asks for it.
    _acknowledge(pedagogue, meeting, hours=2)
    _acknowledge(leader, meeting, hours=20)
    accepted = services.adjustment_propose(
        actor=staff,
        plan=plan,
        reason="Samlingen er for lang lige nu",
        agreement_text="Må gå fra samlingen efter 10 minutter med en voksen",
        agreement_owner="Stuens pædagoger",
    )
    services.adjustment_decide(actor=pedagogue, adjustment=accepted, accept=True)
    services.adjustment_propose(
        actor=staff,
        plan=plan,
        reason="Legegruppen virker – udvid til tre gange om ugen",
        strategies=plan.strategies.replace(
            "Legegruppe med to kammerater.", "Legegruppe med to kammerater tre gange om ugen."
        ),
    )
    services.plan_meeting_schedule(
        actor=pedagogue,
        plan=plan,
        kind=PlanMeeting.Kind.FOLLOW_UP,
        date=selectors.next_follow_up(plan),
        start_time=datetime.time(14, 0),
        place="Bøgely, personalestuen",
        participants=[leader, staff, pedagogue, parent],
    )

    course = Course.objects.filter(
        institution=child.institution, closed_on__isnull=True, kind="group"
    ).first()
    if course is not None:
        course_plan = services.plan_create(
            actor=course.pedagogue,
            data={
                "course": course,
                "owner": course.pedagogue,
                "title": f"Handleplan for {course.title}",
                "problem": "Mange konflikter i frileg; nogle børn står uden for legen.",
                "strategies": "Faste legegrupper, rollelege med voksenstøtte, rollemodeller i grupperne.",
                "duration": "Et halvt år",
            },
            goals=GOALS[1:],
            agreements=[
                {
                    "text": "Holder legegruppe tirsdag og torsdag",
                    "owner": "Ressourcepædagogen",
                    "due": None,
                }
            ],
        )
        _backdate(course_plan, today - datetime.timedelta(weeks=14))
        kickoff = services.plan_meeting_schedule(
            actor=course.pedagogue,
            plan=course_plan,
            kind=PlanMeeting.Kind.INITIAL,
            date=weekday(today - datetime.timedelta(weeks=13)),
            start_time=datetime.time(13, 0),
            place="",
            participants=[leader, staff, course.pedagogue],
        )
        services.plan_meeting_hold(actor=course.pedagogue, meeting=kickoff, note="")
        for hours, person in enumerate((course.pedagogue, staff, leader), start=1):
            _acknowledge(person, kickoff, hours=hours * 22)


def _acknowledge(person: User, meeting: PlanMeeting, *, hours: int) -> None:
    """Agreed some hours after the meeting began (never later than now), not at the moment the
    demo was loaded, weeks after the meeting."""
    acknowledgement = services.plan_meeting_acknowledge(
        actor=person, meeting=meeting, answer=Acknowledgement.Answer.AGREED
    )
    began = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
    answered = min(began + datetime.timedelta(hours=hours), timezone.now())
    Acknowledgement.objects.filter(pk=acknowledgement.pk).update(at=answered)


def _backdate(plan: ActionPlan, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=moment)
    plan.versions.update(created_at=moment)
