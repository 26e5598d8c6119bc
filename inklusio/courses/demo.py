"""Demo courses: 2014–2016 exactly as table 3 of the evaluation, and the courses running now."""

import datetime
from collections import defaultdict

from inklusio.core.demo import DemoContext, former_child
from inklusio.courses.models import (
    Course,
    EffectMeasure,
    Observation,
    Participant,
    ResourceTask,
    Session,
    Usage,
)
from inklusio.people.models import PedagogueAttachment, Role, User

# Year: (group, individual, reflection, action learning) — table 3 of the evaluation.
TABLE_3 = {2014: (13, 9, 0, 0), 2015: (19, 8, 1, 0), 2016: (10, 14, 2, 2)}

TITLES = {
    Course.Kind.GROUP: [
        "Legegruppe i {room}",
        "Venskabsgruppe",
        "Samspil i leg",
        "Sprog og leg i lille gruppe",
    ],
    Course.Kind.INDIVIDUAL: ["Støtte i overgange", "Deltagelse i samling", "Rolig start på dagen"],
    Course.Kind.REFLECTION: ["Refleksion over konflikter på stuen"],
    Course.Kind.ACTION_LEARNING: ["Aktionslæring: tydelig struktur"],
}
CAUSES = [
    Session.Cause.CALLED_TO_CENTRE,
    Session.Cause.CALLED_TO_CENTRE,
    Session.Cause.ILLNESS,
    Session.Cause.INSTITUTION,
    Session.Cause.OTHER,
]


def build(demo: DemoContext) -> None:
    # The first resource pedagogue of each institution runs its courses, so the demo pedagogue
    # (the first of the corps) has courses of their own at Bøgely.
    resource_pedagogue: dict = {}
    for attachment in (
        PedagogueAttachment.objects.filter(
            municipality=demo.municipality, function=PedagogueAttachment.Function.RESOURCE
        )
        .select_related("pedagogue")
        .order_by("pk")
    ):
        resource_pedagogue.setdefault(attachment.institution_id, attachment.pedagogue)
    institutions = list(demo.institutions.values())
    counter = 0
    for year, (group, individual, reflection, action_learning) in TABLE_3.items():
        kinds = (
            [Course.Kind.GROUP] * group
            + [Course.Kind.INDIVIDUAL] * individual
            + [Course.Kind.REFLECTION] * reflection
            + [Course.Kind.ACTION_LEARNING] * action_learning
        )
        for kind in kinds:
            institution = institutions[counter % len(institutions)]
            counter += 1
            start = datetime.date(year, 1, 15) + datetime.timedelta(days=demo.rng.randrange(0, 300))
            _past_course(demo, institution, resource_pedagogue[institution.pk], kind, start)
    _current(demo, resource_pedagogue)


def _children_for(demo, institution, year, count, category=""):
    return [
        former_child(
            demo,
            institution,
            datetime.date(year - 5, 1, 1) + datetime.timedelta(days=demo.rng.randrange(0, 900)),
            category,
        )
        for _ in range(count)
    ]


def _course(demo, institution, pedagogue, kind, start, end, **extra) -> Course:
    title = demo.rng.choice(TITLES[kind]).format(room="Solsikken")
    return Course.objects.create(
        municipality=demo.municipality,
        public_id=demo.uuid(),
        institution=institution,
        kind=kind,
        title=title,
        goals="Børnene deltager mere i legen og løser flere konflikter selv. Personalet bruger "
        "metoderne i hverdagen, også når forløbet er slut.",
        start=start,
        planned_end=end,
        pedagogue=pedagogue,
        created_by=pedagogue,
        **extra,
    )


def _sessions(demo, course, first, count, *, until=None) -> list[Session]:
    sessions = []
    for week in range(count):
        day = first + datetime.timedelta(weeks=week)
        status = Session.Status.PLANNED
        cause = ""
        if until is None or day <= until:
            cancelled = demo.rng.random() < 0.12
            status = Session.Status.CANCELLED if cancelled else Session.Status.HELD
            cause = demo.rng.choice(CAUSES) if cancelled else ""
        sessions.append(
            Session(
                municipality=demo.municipality,
                public_id=demo.uuid(),
                course=course,
                date=day,
                start_time=datetime.time(9, 30),
                status=status,
                cause=cause,
                cancelled_by=course.pedagogue if cause else None,
                recorded_by=course.pedagogue if status != Session.Status.PLANNED else None,
            )
        )
    Session.objects.bulk_create(sessions)
    return sessions


def _measure(demo, participant, phase, base, by, day):
    def score(lift):
        return max(1, min(5, base + lift + demo.rng.choice([-1, 0, 0, 1])))

    lift = 0 if phase == EffectMeasure.Phase.START else 1
    return EffectMeasure(
        municipality=demo.municipality,
        participant=participant,
        phase=phase,
        participation=score(lift),
        play=score(lift),
        conflicts=score(lift),
        wellbeing=score(lift),
        assessed_by=by,
        assessed_on=day,
    )


def _past_course(demo, institution, pedagogue, kind, start) -> None:
    end = Course.default_end(start)
    course = _course(
        demo,
        institution,
        pedagogue,
        kind,
        start,
        end,
        closed_on=end,
        goals_reached=demo.rng.choice(["yes", "yes", "partly", "no"]),
        methods_in_practice=demo.rng.choice(["yes", "partly", "partly", "no"]),
        evaluation="Børnene deltog mere i legen. Personalet vil fortsætte med de faste legegrupper.",
    )
    _sessions(demo, course, start, 16, until=end)
    if kind in Course.STAFF_KINDS:
        return
    cases = 1 if kind == Course.Kind.INDIVIDUAL else demo.rng.choice([4, 4, 5])
    role_models = 0 if kind == Course.Kind.INDIVIDUAL else 2
    children = _children_for(demo, institution, start.year, cases + role_models)
    # Some children take part in a second course the same year: the evaluation could not tell
    # them apart from new children; the statistics count them once as children reached.
    earlier = [
        p.child
        for p in Participant.objects.filter(
            course__institution=institution,
            course__start__year=start.year,
            role=Participant.Role.CASE,
        ).select_related("child")
    ]
    if earlier and demo.rng.random() < 0.4:
        children[0] = demo.rng.choice(earlier)
    participants = [
        Participant(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            course=course,
            child=child,
            role=Participant.Role.CASE if index < cases else Participant.Role.ROLE_MODEL,
            joined_on=start,
            letter_sent_on=start,
            letter_delivery=Participant.Delivery.HANDED,
        )
        for index, child in enumerate(children)
    ]
    Participant.objects.bulk_create(participants)
    measures = []
    for participant in participants[:cases]:
        base = demo.rng.choice([2, 2, 3])
        measures.append(
            _measure(demo, participant, EffectMeasure.Phase.START, base, pedagogue, start)
        )
        measures.append(_measure(demo, participant, EffectMeasure.Phase.END, base, pedagogue, end))
    EffectMeasure.objects.bulk_create(measures)


# A pedagogue's courses meet on different weekday mornings (Monday, Thursday, Wednesday),
# never Tuesday, when the centre meeting is: sessions are commitments in the weekly plan.
SESSION_WEEKDAYS = (0, 3, 2)


def _session_day(start: datetime.date, nth: int) -> datetime.date:
    """The first day on or after `start` that is the weekday of a pedagogue's n-th course."""
    weekday = SESSION_WEEKDAYS[nth % len(SESSION_WEEKDAYS)]
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


def _current(demo: DemoContext, resource_pedagogue) -> None:
    """Courses running this autumn in each institution, with tasks behind some of them."""
    today = demo.today
    leader = demo.users["demo-leder"]
    staff = demo.users["demo-personale"]
    running: dict[int, int] = defaultdict(int)  # courses so far per pedagogue
    for index, institution in enumerate(demo.institutions.values()):
        pedagogue = resource_pedagogue[institution.pk]
        children = [c for c in demo.children if c.institution_id == institution.pk]
        task = ResourceTask.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            institution=institution,
            usage=[Usage.PEDAGOGUE_COORDINATOR, Usage.OBSERVATION, Usage.STAFF_COORDINATOR][
                index % 3
            ],
            problem="Mange konflikter i frileg på stuen; nogle børn står uden for legen.",
            created_by=leader
            if institution == leader.institution
            else demo.users["demo-forvaltning"],
        )
        start = today - datetime.timedelta(days=35 + 7 * (index % 4))
        kind = Course.Kind.GROUP if index % 3 != 2 else Course.Kind.INDIVIDUAL
        course = _course(
            demo, institution, pedagogue, kind, start, Course.default_end(start), task=task
        )
        if institution == staff.institution:
            course.staff.set([staff])
        sessions = _sessions(
            demo,
            course,
            _session_day(start, running[pedagogue.pk]),
            20,
            until=today - datetime.timedelta(days=1),
        )
        running[pedagogue.pk] += 1
        cases = children[:3] if kind == Course.Kind.GROUP else children[:1]
        models = children[3:5] if kind == Course.Kind.GROUP else []
        for position, child in enumerate(cases + models):
            participant = Participant.objects.create(
                municipality=demo.municipality,
                public_id=demo.uuid(),
                course=course,
                child=child,
                role=Participant.Role.CASE if child in cases else Participant.Role.ROLE_MODEL,
                joined_on=start,
                letter_sent_on=start if position < 2 else None,
                letter_delivery=Participant.Delivery.HANDED if position < 2 else "",
            )
            if child in cases:
                _measure(demo, participant, EffectMeasure.Phase.START, 2, pedagogue, start).save()
        held = [s for s in sessions if s.status == Session.Status.HELD]
        for session in held:
            session.attendees.set(course.participants.all())
        Observation.objects.create(
            municipality=demo.municipality,
            course=course,
            date=start + datetime.timedelta(days=8),
            focus=Observation.Focus.PLAY,
            child=cases[0] if cases else None,
            text="Tog selv initiativ til rollelegen og holdt fast i den i ti minutter.",
            author=pedagogue,
        )
    # A reflection course for Bøgely's staff, with the staff as participants.
    boegely = demo.institutions["Bøgely"]
    reflection = _course(
        demo,
        boegely,
        resource_pedagogue[boegely.pk],
        Course.Kind.REFLECTION,
        today - datetime.timedelta(days=20),
        today + datetime.timedelta(days=120),
    )
    for member in User.objects.filter(
        institution=boegely, role__in=[Role.STAFF, Role.INSTITUTION_LEADER]
    ):
        Participant.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            course=reflection,
            staff_member=member,
            role=Participant.Role.STAFF,
        )
