"""Demo consultative meetings at Bøgely: last month's with minutes and a recommendation, next
week's with a named child (with consent) and an anonymous case."""

import datetime

from inklusio.core.demo import DemoContext, weekday
from inklusio.meetings import services
from inklusio.people.models import Profession


def build(demo: DemoContext) -> None:
    today = demo.today
    leader = demo.users["demo-leder"]
    partners = [demo.users["demo-psykolog"], demo.users["demo-talekonsulent"]]
    boegely = demo.institutions["Bøgely"]
    children = [c for c in demo.children if c.institution_id == boegely.pk]
    for child in children[:2]:
        services.consent_record(
            actor=leader,
            child=child,
            given_by="Begge forældre",
            given_on=today - datetime.timedelta(days=60),
            professions=[Profession.PSYCHOLOGIST, Profession.SPEECH_CONSULTANT],
        )
    last = services.consultative_meeting_create(
        actor=leader,
        institution=boegely,
        date=weekday(today - datetime.timedelta(days=28)),
        start_time=datetime.time(13, 0),
        partners=partners,
    )
    item = services.agenda_item_add(
        actor=leader,
        meeting=last,
        kind="child",
        child=children[0],
        topic="Trækker sig i samling; hvordan støtter vi deltagelsen?",
    )
    services.recommendation_add(
        actor=partners[0],
        item=item,
        text="Giv barnet en fast rolle i samlingen, fx at dele frugt ud.",
    )
    services.consultative_minutes_save(
        actor=leader,
        meeting=last,
        minutes="Drøftet samling og overgange. Opfølgning næste møde.",
        version=0,  # the meeting's first minutes
    )
    upcoming = services.consultative_meeting_create(
        actor=leader,
        institution=boegely,
        date=weekday(today + datetime.timedelta(days=6)),
        start_time=datetime.time(13, 0),
        partners=partners,
    )
    services.agenda_item_add(
        actor=leader,
        meeting=upcoming,
        kind="child",
        child=children[1],
        topic="Sproglig udvikling: er der brug for test?",
    )
    services.agenda_item_add(
        actor=leader,
        meeting=upcoming,
        kind="anonymous",
        topic="Dreng på 4 år i vuggestuegruppen, som bider de andre børn ved skift.",
    )
