"""A demo handover: a Bøgely child to school, shared with the guardians' consent, with the
handover meeting held (the PPR psychologist is the school's receiver)."""

import datetime

from inklusio.core.demo import DemoContext
from inklusio.meetings import services as meeting_services
from inklusio.meetings.models import DiscussionConsent
from inklusio.transitions import services


def build(demo: DemoContext) -> None:
    leader = demo.users["demo-leder"]
    discussed = (
        DiscussionConsent.objects.filter(
            child__institution=demo.institutions["Bøgely"], withdrawn_on__isnull=True
        )
        .select_related("child")
        .order_by("pk")
        .first()
    )
    if discussed is None:
        return
    consent = meeting_services.consent_record(
        actor=leader,
        child=discussed.child,
        scope=DiscussionConsent.Scope.HANDOVER,
        given_by=discussed.given_by,
        given_on=demo.today - datetime.timedelta(days=7),
        note="Overlevering til Vibeholmskolen, givet ved forældresamtalen.",
    )
    handover_date = demo.today + datetime.timedelta(days=30)
    handover = services.handover_create(
        actor=leader,
        child=discussed.child,
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
        date=demo.today - datetime.timedelta(days=3),
        participants="Camilla Berg (leder), forældrene, Eva Skov (psykolog), skolens indskolingsleder",
        note="Aftalt to besøg i indskolingen og fælles opfølgning.",
    )
