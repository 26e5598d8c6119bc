"""Mia with every kind of record the system can hold about a child, each free-text field filled
with something the export must give back."""

import datetime

import pytest
from django.core.files.base import ContentFile

from inklusio.core.storage import private_storage
from inklusio.courses.models import EffectMeasure, Observation
from inklusio.family.models import Message, MessageRead
from inklusio.meetings.models import MinutesVersion
from inklusio.planning.models import PlanSlot
from inklusio.plans.models import Acknowledgement, GoalStatus
from inklusio.referrals.models import ReferralAddendum, ReferralAttachment, WaitingListEntry
from inklusio.transitions.models import HandoverMeeting
from tests.conftest import TODAY

ATTACHMENT_BYTES = b"%PDF-1.4 talepaedagogens vurdering \x00\x01\x02"


@pytest.fixture
def full_record(cast):
    """Everything the cast lacks, added to Mia's case: returns the cast."""
    ishoj, mia = cast.ishoj, cast.mia
    guardian = mia.guardianships.get().guardian
    guardian.address = "Vejlebrovej 12, 2635 Ishøj"
    guardian.email = "gert@example.org"
    guardian.phone = "12345678"
    guardian.save()
    mia.languages = "dansk, arabisk"
    mia.save()
    referral = cast.referral_mia
    referral.tried = "Faste pladser ved bordet"
    referral.save()
    ReferralAddendum.objects.create(
        municipality=ishoj, referral=referral, author=cast.pia, text="Ny udtalelse fra PPR"
    )
    ReferralAttachment.objects.create(
        municipality=ishoj,
        referral=referral,
        stored_name=private_storage.save("referrals/tale.pdf", ContentFile(ATTACHMENT_BYTES)),
        original_name="talevurdering.pdf",
        content_type="application/pdf",
        size=len(ATTACHMENT_BYTES),
        uploaded_by=cast.pia,
    )
    WaitingListEntry.objects.create(
        municipality=ishoj,
        referral=referral,
        child=mia,
        offer=referral.offer,
        period=cast.period,
        position=1,
        added_on=TODAY - datetime.timedelta(days=90),
        added_by=cast.alice,
        status=WaitingListEntry.Status.REMOVED,
        removed_on=TODAY - datetime.timedelta(days=80),
        removed_reason="Forældrene trak indstillingen tilbage",
        moves=[
            {
                "on": (TODAY - datetime.timedelta(days=85)).isoformat(),
                "by": "Alice Testesen",
                "from": 2,
                "to": 1,
                "reason": "Akut behov",
            }
        ],
    )
    decision = cast.decision_mia
    decision.alternative = "Ressourceforløb i stedet"
    decision.placed_on = TODAY - datetime.timedelta(days=60)
    decision.save()
    appeal = cast.appeal_mia
    appeal.text = "Vi er uenige i, at støtten kun gælder et år."
    appeal.reassessed_on = TODAY - datetime.timedelta(days=50)
    appeal.forwarded_on = TODAY - datetime.timedelta(days=49)
    appeal.upheld_reasons = "Behovet dækkes bedst af ressourcefunktionen"
    appeal.save()
    participant = cast.participant_mia
    participant.letter_sent_on = TODAY - datetime.timedelta(days=40)
    participant.letter_delivery = participant._meta.get_field("letter_delivery").choices[0][0]
    participant.save()
    session = cast.session_boegely
    session.note = "Mia ledte sangen"
    session.save()
    session.attendees.add(participant)
    EffectMeasure.objects.create(
        municipality=ishoj,
        participant=participant,
        phase=EffectMeasure.Phase.START,
        participation=2,
        play=3,
        conflicts=4,
        wellbeing=5,
        note="Trak sig fra legen i starten",
        assessed_by=cast.bob,
    )
    Observation.objects.create(
        municipality=ishoj,
        course=cast.course_boegely,
        child=mia,
        focus=Observation.Focus.PLAY,
        text="Legede med to andre i sandkassen",
        author=cast.bob,
    )
    consent = cast.consent_mia
    consent.note = "Mundtligt samtykke på forældremøde"
    consent.wording = "Samtykke til drøftelse af Mia med psykologen"
    consent.withdrawn_on = TODAY
    consent.withdrawn_by = cast.gert
    consent.save()
    message = Message.objects.create(
        municipality=ishoj, plan=cast.plan_mia, author=cast.gert, text="Mia sov dårligt i nat"
    )
    MessageRead.objects.create(
        municipality=ishoj, plan=cast.plan_mia, user=cast.bob, read_until=message.created_at
    )
    MinutesVersion.objects.create(
        municipality=ishoj,
        meeting=cast.consultative_boegely,
        number=1,
        text="Mia: fast rolle i samlingen, følges op i januar",
        author=cast.bob,
    )
    meeting = cast.plan_meeting
    meeting.note = "Referat: alle enige om billedstøtte"
    meeting.others = "Talepædagog fra PPR"
    meeting.save()
    Acknowledgement.objects.create(
        municipality=ishoj,
        meeting=meeting,
        user=cast.gert,
        answer=Acknowledgement.Answer.OBJECTED,
        comment="Vi vil gerne have kortere samlinger",
    )
    plan = cast.plan_mia
    GoalStatus.objects.create(
        municipality=ishoj,
        meeting=meeting,
        goal=plan.goals.get(),
        status=GoalStatus.Status.PARTLY,
        note="Deltager 3 af 5 dage",
    )
    plan.parent_collaboration = "Ugentlig snak ved afhentning"
    plan.evaluation = "Billedstøtten virker"
    plan.save()
    adjustment = cast.adjustment_mia
    adjustment.strategies = "Timer ved samling"
    adjustment.agreement_due = TODAY + datetime.timedelta(days=14)
    adjustment.save()
    PlanSlot.objects.create(
        municipality=ishoj,
        plan=cast.plan,
        pedagogue=cast.bob,
        day=1,
        half=0,
        institution=cast.boegely,
        function="support",
        child=mia,
    )
    data_request = cast.data_request_mia
    data_request.reason = "Ønsker kopi af alt"
    data_request.save()
    HandoverMeeting.objects.create(
        municipality=ishoj,
        handover=cast.handover_mia,
        date=TODAY - datetime.timedelta(days=2),
        participants="Carl fra Elverhøj og Gert",
        note="Aftalt to besøg før start",
        recorded_by=cast.carl,
    )
    return cast
