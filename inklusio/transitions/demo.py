"""A demo handover: a Bøgely child to school, shared with the guardians' consent, with the
handover meeting held (the PPR psychologist is the school's receiver)."""

import datetime

from inklusio.core.demo import DemoContext, weekday
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import DiscussionConsent
from inklusio.transitions import services


def build(demo: DemoContext) -> None:
    leader = demo.users["demo-leder"]
    boegely = [c for c in demo.children if c.institution_id == demo.institutions["Bøgely"].pk]
    if not boegely:
        return
    # The oldest child at Bøgely starts school, not whichever child was discussed first (a
    # two-year-old, in the demo of seed 2017).
    child = min(boegely, key=lambda c: c.birth_date)
    consent = meeting_services.consent_record(
        actor=leader,
        child=child,
        scope=DiscussionConsent.Scope.HANDOVER,
        given_by="Begge forældre",
        given_on=demo.today - datetime.timedelta(days=7),
        note="Overlevering til Vibeholmskolen, givet ved forældresamtalen.",
    )
    handover_date = weekday(demo.today + datetime.timedelta(days=30))
    handover = services.handover_create(
        actor=leader,
        child=child,
        kind="school",
        school_name="Vibeholmskolen",
        receiver=demo.users["demo-psykolog"],
        what_works=(
            "Billedstøttet dagsprogram om morgenen. En fast voksen ved overgange. "
            "Korte samlinger (10 min) med en fast rolle."
        ),
        next_steps=(
            "Besøg i skolens indskoling to gange før start. Skolen får dagsprogrammet. "
            "Opfølgning efter de første 6 uger."
        ),
        handover_date=handover_date,
        access_until=handover_date + datetime.timedelta(days=90),
    )
    services.handover_share(actor=leader, handover=handover, consent=consent)
    services.handover_meeting_record(
        actor=leader,
        handover=handover,
        date=weekday(demo.today - datetime.timedelta(days=3)),
        participants="Camilla Berg (leder), forældrene, Eva Skov (psykolog), skolens indskolingsleder",
        note="Aftalt to besøg i indskolingen og fælles opfølgning.",
    )
