"""Demo visitation: the Ishøj history behind tables 1, 2, 4 and 5, and a current period with
a meeting coming up, a waiting list, re-assessments due and an appeal under way."""

import datetime
from typing import Any

from inklusio.children.models import DifficultyCategory
from inklusio.core.demo import DemoContext, former_child, weekday
from inklusio.referrals import services
from inklusio.referrals.models import (
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    LegalBasis,
    Offer,
    Referral,
)
from inklusio.referrals.periods import period_end_for, period_start_for

CATEGORIES = [choice for choice, _label in DifficultyCategory.choices]

# Start year of the period: (support places, referrals, children granted per category in
# table order). 2011/12, 2015/16 and 2016/17 are the evaluation's tables 4 and 5; 2013/14's 21
# granted and the 67 % fall in referrals after it are its tables 1 and 2.
HISTORY = {
    2011: (25, 31, [3, 16, 1, 2, 2, 1]),
    2012: (22, 30, [4, 10, 1, 3, 2, 2]),
    2013: (21, 30, [3, 10, 1, 3, 2, 2]),
    2014: (7, 10, [2, 2, 0, 1, 1, 1]),
    2015: (7, 10, [2, 3, 0, 1, 1, 0]),
    2016: (7, 9, [4, 0, 1, 2, 0, 0]),
}

LEGAL_BASES = [
    (
        "Dagtilbudslovens § 4",
        "Kommunen skal sørge for, at der er de nødvendige tilbud til børn, der har behov for "
        "særlig støtte, og kan give støtten i almindelige dagtilbud, fx som støttepædagog eller "
        "plads i en ressourcegruppe.",
    ),
    (
        "Barnets lov §§ 82 og 83",
        "Når et barn har betydelig og varig nedsat funktionsevne og et særligt behov for støtte, "
        "kan der oprettes en plads i et særligt dagtilbud eller en særlig gruppe som et supplement "
        "til kommunens forpligtelse efter dagtilbudslovens § 4.",
    ),
    (
        "Ishøj Kommunes visitationskriterier",
        "Støttepædagog bevilges for ét år ad gangen til børn, hvis behov ikke kan dækkes af "
        "ressourcefunktionen, inden for de pladser, visitationsudvalget råder over.",
    ),
]


def build(demo: DemoContext) -> None:
    admin = demo.users["demo-forvaltning"]
    bases = [
        LegalBasis.objects.create(municipality=demo.municipality, title=title, text=text)
        for title, text in LEGAL_BASES
    ]
    for year, (places, referrals, granted) in HISTORY.items():
        _history_period(demo, admin, bases, year, places, referrals, granted)
    _current(demo, admin, bases)


# Everything that follows a committee meeting has happened three weeks after it: the letters
# (two days), the children's start (ten days) and an appeal (about two weeks).
SETTLED = datetime.timedelta(weeks=3)


def _meeting(admin, day: datetime.date) -> CommitteeMeeting:
    """As the administration makes it: in the period its date lies in, which must exist."""
    return services.committee_meeting_create(actor=admin, date=day)


def _decide_as_then(*, meeting: CommitteeMeeting, **data: Any) -> Decision:
    """A decision recorded as on the meeting's day, while its period ran. The service refuses
    decisions at a meeting of a period that has ended (they belong to a meeting of the running
    period); the demo writes history, so the meeting's period is held open in memory, never in
    the database, while the decision is recorded."""
    period = meeting.period
    ended_on = period.end
    period.end = datetime.date.max
    try:
        return services.decision_record(meeting=meeting, **data)
    finally:
        period.end = ended_on


def _settled_meeting_day(today: datetime.date) -> datetime.date:
    """The meeting whose decisions the demo shows with letters, starts and an appeal: the
    period's first (three weeks into April) once it is three weeks past, before that the one
    four weeks ago (in the last days of the period before, or the first of this one). A meeting
    still to come has no decisions, and one just held none of what follows them."""
    first = weekday(period_start_for(today) + datetime.timedelta(days=20))
    if first <= today - SETTLED:
        return first
    return weekday(today - datetime.timedelta(weeks=4))


def _last_years_meeting_day(today: datetime.date) -> datetime.date:
    """About a year ago, in the period before this one, so the group places granted there are
    due for their yearly re-assessment (or overdue)."""
    start = period_start_for(today)
    return weekday(min(today - datetime.timedelta(days=345), start - datetime.timedelta(days=14)))


def _referral(demo, child, by, offer, category, submitted_on, *, group=None) -> Referral:
    # Written and sent the same morning: a referral begun at loading time would be dated after
    # the committee's decision on it (the child's page dates a draft by when it was begun).
    sent = datetime.datetime.combine(submitted_on, datetime.time(10), tzinfo=datetime.UTC)
    return Referral.objects.create(
        municipality=demo.municipality,
        public_id=demo.uuid(),
        child=child,
        offer=offer,
        resource_group=group,
        category=category,
        description="Barnet har svært ved at indgå i fællesskabet og har brug for voksenstøtte "
        "i overgange og leg. Se vedlagte beskrivelse fra institutionen.",
        tried="Tydelig struktur, billedstøtte og sparring med ressourcepædagogen.",
        consent_by="Begge forældre",
        consent_date=submitted_on - datetime.timedelta(days=5),
        consent_method=Referral.ConsentMethod.WRITTEN,
        status=Referral.Status.SUBMITTED,
        referred_by=by,
        created_at=sent,
        submitted_at=sent,
    )


def _history_period(demo, admin, bases, year, places, referral_count, granted) -> None:
    services.period_create(actor=admin, start_year=year, support_places=places)
    meeting = _meeting(admin, weekday(datetime.date(year, 4, 20)))
    institutions = list(demo.institutions.values())
    categories = [
        category for category, count in zip(CATEGORIES, granted, strict=True) for _ in range(count)
    ]
    outcomes = [Decision.Outcome.GRANTED] * len(categories) + [
        demo.rng.choice([Decision.Outcome.REFUSED, Decision.Outcome.ALTERNATIVE])
        for _ in range(referral_count - len(categories))
    ]
    categories += [demo.rng.choice(CATEGORIES) for _ in range(referral_count - len(categories))]
    for index, (outcome, category) in enumerate(zip(outcomes, categories, strict=True)):
        institution = institutions[index % len(institutions)]
        birth = datetime.date(year - 4, 1, 1) + datetime.timedelta(days=demo.rng.randrange(900))
        child = former_child(demo, institution, birth, category)
        referral = _referral(
            demo, child, admin, Offer.SUPPORT_PEDAGOGUE, category, datetime.date(year, 4, 5)
        )
        decision = _decide_as_then(
            actor=admin,
            child=child,
            referral=referral,
            meeting=meeting,
            outcome=outcome,
            offer=Offer.SUPPORT_PEDAGOGUE,
            reasons=_reasons(outcome),
            legal_basis=bases[0] if outcome == Decision.Outcome.GRANTED else bases[2],
            alternative="Ressourceforløb i institutionen"
            if outcome == Decision.Outcome.ALTERNATIVE
            else "",
            start=meeting.date if outcome == Decision.Outcome.GRANTED else None,
        )
        if decision.is_grant:
            Decision.objects.filter(pk=decision.pk).update(
                placed_on=meeting.date + datetime.timedelta(days=14)
            )


def _letter(admin, decision):
    """A letter as if it was written on the day of the decision."""
    letter = services.letter_issue(actor=admin, decision=decision)
    issued = datetime.datetime.combine(decision.decided_on, datetime.time(14), tzinfo=datetime.UTC)
    DecisionLetter.objects.filter(pk=letter.pk).update(created_at=issued)
    return letter


def _sent_on(decided_on: datetime.date) -> datetime.date:
    """Letters go out two days after the meeting (a settled one: that day has come)."""
    return decided_on + datetime.timedelta(days=2)


def _reasons(outcome) -> str:
    if outcome == Decision.Outcome.GRANTED:
        return (
            "Barnets behov for støtte i hverdagen kan ikke dækkes af institutionens egne ressourcer "
            "og ressourcefunktionen. Vi har lagt vægt på institutionens beskrivelse og de tiltag, "
            "der allerede er afprøvet."
        )
    return (
        "Alle pladser til støttepædagog i perioden er bevilget til børn med større behov. Vi "
        "vurderer, at barnets behov kan mødes af et ressourceforløb i institutionen."
    )


def _current(demo: DemoContext, admin, bases) -> None:
    """This period and the last: grants in force, a waiting list, due re-assessments, an appeal
    and referrals waiting for the next meeting, on whatever day of the year the demo is loaded."""
    today = demo.today
    this_start = period_start_for(today)
    services.period_create(actor=admin, start_year=this_start.year - 1, support_places=7)
    services.period_create(actor=admin, start_year=this_start.year, support_places=7)
    next_day = weekday(today + datetime.timedelta(days=8))
    if next_day > period_end_for(today):
        # Late in March the next meeting opens the coming period, made ahead of it.
        services.period_create(actor=admin, start_year=this_start.year + 1, support_places=7)
    leader = demo.users["demo-leder"]
    psychologist = demo.users["demo-psykolog"]
    children = demo.children
    last_meeting = _meeting(admin, _last_years_meeting_day(today))
    this_meeting = _meeting(admin, _settled_meeting_day(today))
    _meeting(admin, next_day)

    def grant(child, meeting, offer=Offer.SUPPORT_PEDAGOGUE, group=None, placed=True):
        category = child.category or demo.rng.choice(CATEGORIES)
        referral = _referral(
            demo,
            child,
            leader,
            offer,
            category,
            meeting.date - datetime.timedelta(days=20),
            group=group,
        )
        decision = _decide_as_then(
            actor=admin,
            child=child,
            referral=referral,
            meeting=meeting,
            outcome=Decision.Outcome.GRANTED,
            offer=offer,
            resource_group=group,
            reasons=_reasons(Decision.Outcome.GRANTED),
            legal_basis=bases[1] if group else bases[0],
            start=meeting.date,
        )
        if placed:
            decision = services.decision_mark_placed(
                actor=admin, decision=decision, placed_on=meeting.date + datetime.timedelta(days=10)
            )
        return decision

    # Group places granted last year: their yearly re-assessment is now due or overdue.
    in_groups = [child for child in children if child.resource_group_id]
    for child in in_groups:
        grant(child, last_meeting, Offer.RESOURCE_GROUP_PLACE, child.resource_group)
    # Support pedagogue from the settled meeting (this period's, or in its first weeks the last
    # period's): five in force, the last one not started yet.
    free = [child for child in children if not child.resource_group_id]
    own_child = children[0]  # the demo parent's child: the parent sees a decision and its letter
    supported = [own_child, *[child for child in free if child != own_child][:5]]
    decisions = [
        grant(child, this_meeting, placed=index < 4) for index, child in enumerate(supported[:5])
    ]
    for decision in [decisions[0], *decisions[-2:]]:
        letter = _letter(admin, decision)
        services.letter_mark_sent(actor=admin, letter=letter, sent_on=_sent_on(decision.decided_on))
    # A refusal the parents have appealed; the municipality is reassessing it.
    refused_child = supported[5]
    referral = _referral(
        demo,
        refused_child,
        leader,
        Offer.SUPPORT_PEDAGOGUE,
        CATEGORIES[1],
        this_meeting.date - datetime.timedelta(days=15),
    )
    refusal = _decide_as_then(
        actor=admin,
        child=refused_child,
        referral=referral,
        meeting=this_meeting,
        outcome=Decision.Outcome.ALTERNATIVE,
        offer=Offer.SUPPORT_PEDAGOGUE,
        alternative="Ressourceforløb i institutionen med fokus på leg og relationer",
        reasons=_reasons(Decision.Outcome.ALTERNATIVE),
        legal_basis=bases[2],
    )
    letter = _letter(admin, refusal)
    services.letter_mark_sent(actor=admin, letter=letter, sent_on=_sent_on(this_meeting.date))
    # Received about two weeks after the meeting, which is three weeks past.
    services.appeal_register(
        actor=admin,
        decision=refusal,
        received_on=this_meeting.date + datetime.timedelta(days=16),
        text="Forældrene mener, at barnet har brug for fast støtte hele dagen.",
        owner=admin,
    )
    # Waiting for the next meeting: two from the leader of Bøgely, one from the psychologist.
    taken = {child.pk for child in supported}
    from_boegely = [c for c in free if c.institution == leader.institution and c.pk not in taken][
        :2
    ]
    invited = [c for c in children[:4] if c.pk not in taken and c not in from_boegely][:1]
    for index, child in enumerate(from_boegely + invited):
        by = psychologist if child in invited else leader
        _referral(
            demo,
            child,
            by,
            Offer.SUPPORT_PEDAGOGUE,
            child.category or CATEGORIES[index],
            today - datetime.timedelta(days=3 + index),
        )
