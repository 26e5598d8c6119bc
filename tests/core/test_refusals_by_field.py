"""A service's refusal that concerns one field is said by that field, and what was typed stays.

The pages parse; the services decide (STYLE.md). A refusal names the field it concerns
(`DomainError(field=…)`) and the page shows it where the value was typed
(`core.forms.show_refusal`), not in the box above the form, which is kept for what concerns
the form as a whole. Each row posts one bad value to one page, as a user would.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from inklusio.courses.models import Course, Participant
from inklusio.meetings import services as meeting_services
from inklusio.organisation.models import Institution
from inklusio.planning.models import PlanSlot
from inklusio.plans import services as plan_services
from inklusio.screening.models import Half
from tests.conftest import TODAY, make_child
from tests.core.test_edit_conflicts import form_on

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    """`user` posts `data` to `url`; the page's form (`form` in the page's context) shows
    `message` by `field`, and still holds what was typed in each of `kept`."""

    user: str
    url: str
    data: dict[str, object]
    field: str
    message: str
    kept: tuple[str, ...] = ()
    form: str = "form"
    opened_from: str = field(default="")  # a page whose form to start from (hidden fields)


def _in_days(days: int) -> str:
    return str(TODAY + datetime.timedelta(days=days))


# --- action plans ---------------------------------------------------------------------------


def _adjustment(cast, **data) -> dict[str, object]:
    return {"reason": "Samlingen er for lang", "strategies": "", "kind": "add", **data}


def plan_replace_without_target(cast) -> Case:
    return Case(
        "sara",
        reverse("plan-adjust", args=[cast.plan_mia.public_id]),
        _adjustment(cast, kind="replace", agreement_text="Går efter 10 min"),
        "target",
        "Vælg den aftale, forslaget erstatter eller afslutter.",
        kept=("reason", "agreement_text"),
    )


def plan_replace_without_text(cast) -> Case:
    return Case(
        "sara",
        reverse("plan-adjust", args=[cast.plan_mia.public_id]),
        _adjustment(cast, kind="replace", target=cast.plan_mia.agreements.get().pk),
        "agreement_text",
        "Skriv den nye aftale, der skal erstatte den gamle.",
        kept=("reason", "target"),
    )


def plan_agreement_without_owner(cast) -> Case:
    return Case(
        "sara",
        reverse("plan-adjust", args=[cast.plan_mia.public_id]),
        _adjustment(cast, agreement_text="Går efter 10 min"),
        "agreement_owner",
        "En aftale skal have en ansvarlig: hvem gør det?",
        kept=("reason", "agreement_text"),
    )


def plan_objection_without_comment(cast) -> Case:
    return Case(
        "sara",
        reverse("plan-meeting", args=[cast.plan_meeting.public_id]),
        {"action": "acknowledge", "answer": "objected", "comment": ""},
        "comment",
        "Skriv, hvad du ikke er enig i.",
        kept=("answer",),
        form="acknowledge_form",
    )


def plan_reopened_without_reason(cast) -> Case:
    plan_services.plan_close(
        actor=cast.bob, plan=cast.plan_mia, evaluation="Målene er nået.", methods_in_practice="yes"
    )
    return Case(
        "bob",
        reverse("plan-reopen", args=[cast.plan_mia.public_id]),
        {"reason": "  "},
        "reason",
        "Skriv, hvorfor planen genåbnes.",
    )


def plan_objection_resolved_without_note(cast) -> Case:
    return Case(
        "bob",
        reverse("plan-resolve", args=[cast.plan_mia.public_id]),
        {"note": ""},
        "note",
        "Skriv, hvordan indsigelsen er afklaret.",
    )


# --- consultative meetings and consents -------------------------------------------------------


def meeting_without_speech_consultant(cast) -> Case:
    return Case(
        "alice",
        reverse("consultative-list"),
        {
            "institution": cast.boegely.pk,
            "date": _in_days(14),
            "start_time": "13:00",
            "partners": [cast.pia.pk],
        },
        "partners",
        "Et konsultativt møde har en psykolog og en tale-/hørekonsulent med.",
        kept=("date", "partners"),
    )


def _consent(**data) -> dict[str, object]:
    return {
        "scope": "discussion",
        "professions": ["psychologist"],
        "given_by": "Gert Testesen",
        "given_on": _in_days(-1),
        "note": "",
        **data,
    }


def consent_given_tomorrow(cast) -> Case:
    return Case(
        "alice",
        reverse("consents", args=[cast.mia.public_id]),
        _consent(given_on=_in_days(1)),
        "given_on",
        "Samtykket kan ikke være givet i fremtiden.",
        kept=("given_by", "given_on", "professions"),
    )


def consent_without_professions(cast) -> Case:
    return Case(
        "alice",
        reverse("consents", args=[cast.mia.public_id]),
        _consent(professions=[]),
        "professions",
        "Angiv hvilke faggrupper barnet må drøftes med.",
        kept=("given_by", "scope"),
    )


def consent_without_referral(cast) -> Case:
    return Case(
        "alice",
        reverse("consents", args=[cast.mia.public_id]),
        _consent(scope="referral", professions=[]),
        "referral",
        "Vælg den indstilling, samtykket gælder.",
        kept=("given_by", "scope"),
    )


def consent_without_partner(cast) -> Case:
    return Case(
        "alice",
        reverse("consents", args=[cast.mia.public_id]),
        _consent(scope="partner", professions=[]),
        "partner",
        "Vælg den samarbejdspartner, samtykket gælder (en, der er inviteret til barnet).",
        kept=("given_by", "scope"),
    )


def guardian_consent_without_professions(cast) -> Case:
    return Case(
        "gert",
        reverse("family-consent-give", args=[cast.mia.public_id]),
        {"scope": "discussion"},
        "professions",
        "Angiv hvilke faggrupper barnet må drøftes med.",
        kept=("scope",),
        form="consent_form",
    )


def _item(cast, **data) -> dict[str, object]:
    return {"action": "item", "kind": "child", "topic": "Samling og overgange", **data}


def agenda_item_without_child(cast) -> Case:
    return Case(
        "alice",
        reverse("consultative-detail", args=[cast.consultative_boegely.public_id]),
        _item(cast),
        "child",
        "Vælg barnet.",
        kept=("kind", "topic"),
        form="item_form",
    )


def agenda_item_without_consent(cast) -> Case:
    noah = make_child(cast.ishoj, cast.boegely, "Noah", "0304224321")
    return Case(
        "alice",
        reverse("consultative-detail", args=[cast.consultative_boegely.public_id]),
        _item(cast, child=noah.pk),
        "child",
        "Noah Testesen kan kun drøftes med navn, når forældrene har givet samtykke til at "
        "drøfte barnet med psykolog. Registrér samtykket, eller tag sagen op anonymt.",
        kept=("kind", "topic", "child"),
        form="item_form",
    )


def anonymous_item_naming_the_child(cast) -> Case:
    return Case(
        "alice",
        reverse("consultative-detail", args=[cast.consultative_boegely.public_id]),
        _item(cast, kind="anonymous", topic="Mia har svært ved samling"),
        "topic",
        "Et anonymt punkt må ikke nævne barnet.",  # after what the text was found to name
        kept=("kind", "topic"),
        form="item_form",
    )


def minutes_unchanged(cast) -> Case:
    meeting_services.consultative_minutes_save(
        actor=cast.alice, meeting=cast.consultative_boegely, minutes="Drøftet samling.", version=0
    )
    return Case(
        "alice",
        reverse("consultative-detail", args=[cast.consultative_boegely.public_id]),
        {"action": "minutes", "minutes": "Drøftet samling.", "version": 1},
        "minutes",
        "Referatet er uændret.",
        kept=("minutes",),
        form="minutes_form",
    )


# --- screening, planning, the partner directory, data-subject requests ----------------------


def screening_round_twice(cast) -> Case:
    round_ = cast.screening_boegely
    return Case(
        "sara",
        reverse("screening-list"),
        {"room": round_.room_id, "year": round_.year, "half": round_.half},
        "room",
        f"Solsikken har allerede en screeningsrunde i {Half(round_.half).label} {round_.year}.",
        kept=("room", "year", "half"),
    )


def _slot(cast, **data) -> dict[str, object]:
    return {
        "pedagogue": cast.bob.pk,
        "slot": "4-1",
        "institution": cast.boegely.pk,
        "function": "resource",
        "version": cast.plan.version,
        **data,
    }


def slot_in_both_functions(cast) -> Case:
    return Case(
        "cora",
        reverse("planning-slot-edit", args=[cast.plan.public_id]),
        _slot(cast, function="support"),
        "function",
        "Bob Testesen er tilknyttet Bøgely i ressourcefunktion og kan ikke have begge "
        "funktioner dér.",
        kept=("slot", "institution", "function"),
        form="slot_form",
    )


def slot_in_a_fourth_institution(cast) -> Case:
    others = [
        Institution.objects.create(municipality=cast.ishoj, name=name, size=60)
        for name in ("Regnbuen", "Troldebo", "Ørnebo")
    ]
    for day, institution in enumerate([cast.boegely, *others[:2]]):
        PlanSlot.objects.create(
            municipality=cast.ishoj,
            plan=cast.plan,
            pedagogue=cast.bob,
            day=day,
            half=1,
            institution=institution,
            function="resource",
        )
    return Case(
        "cora",
        reverse("planning-slot-edit", args=[cast.plan.public_id]),
        _slot(cast, institution=others[2].pk),
        "institution",
        "En pædagog kan højst være i tre institutioner om ugen.",
        kept=("slot", "institution"),
        form="slot_form",
    )


def slot_taken_by_a_session(cast) -> Case:
    # Bob's session at Bøgely is on Wednesday morning of the plan's week (the cast).
    return Case(
        "cora",
        reverse("planning-slot-edit", args=[cast.plan.public_id]),
        _slot(cast, slot="2-0", institution=cast.elverhoej.pk),
        "slot",
        "Bob Testesen har en samling i forløbet “Legegruppe” (Bøgely)",
        kept=("slot", "institution"),
        form="slot_form",
    )


def contract_share_over_100(cast) -> Case:
    url = reverse("planning-contract", args=[cast.contract_bob.public_id])
    return Case(
        "cora",
        url,
        {"support_share_percent": "150"},
        "support_share_percent",
        "En andel kan højst være 100 %.",
        kept=("support_share_percent",),
        opened_from=url,
    )


def absence_ending_before_it_starts(cast) -> Case:
    return Case(
        "cora",
        reverse("planning-contract", args=[cast.contract_bob.public_id]),
        {
            "absence-start": _in_days(10),
            "absence-end": _in_days(9),
            "absence-part": "day",
            "absence-kind": "course",
            "absence-note": "Kursus i Odense",
        },
        "end",
        "Slutdatoen ligger før startdatoen.",
        kept=("start", "end", "note"),
        form="absence_form",
    )


def partner_email_taken(cast) -> Case:
    cast.bob.email = "bob@ishoj.invalid"
    cast.bob.save(update_fields=["email"])
    from tests.partners.directory import organisation

    return Case(
        "alice",
        reverse("partner-person-create"),
        {
            "first_name": "Rikke",
            "last_name": "Tale",
            "email": "BOB@ishoj.invalid",
            "phone": "",
            "profession": "speech_consultant",
            "organisation": organisation(cast).pk,
        },
        "email",
        "Der findes allerede en bruger med den e-mailadresse.",
        kept=("first_name", "email"),
    )


def data_request_received_tomorrow(cast) -> Case:
    return Case(
        "alice",
        reverse("privacy-child", args=[cast.mia.public_id]),
        {"requester": "Gert Testesen", "received_on": _in_days(1)},
        "received_on",
        "Modtagelsesdatoen kan ikke ligge i fremtiden.",
        kept=("requester", "received_on"),
    )


def deadline_extended_without_reason(cast) -> Case:
    return Case(
        "alice",
        reverse("privacy-request", args=[cast.data_request_mia.public_id]),
        {"action": "extend", "reason": ""},
        "reason",
        "Skriv begrundelsen; den skal gives til den, der har spurgt.",
        kept=("action",),
    )


# --- resource courses -----------------------------------------------------------------------


def course_closed_before_it_started(cast) -> Case:
    return Case(
        "bob",
        reverse("course-close", args=[cast.course_boegely.public_id]),
        {
            "closed_on": str(cast.course_boegely.start - datetime.timedelta(days=1)),
            "goals_reached": "yes",
            "methods_in_practice": "partly",
            "evaluation": "Flere børn er med i legen.",
        },
        "closed_on",
        "Forløbet kan ikke slutte, før det starter.",
        kept=("closed_on", "goals_reached", "evaluation"),
    )


def observation_tomorrow(cast) -> Case:
    return Case(
        "bob",
        reverse("observation-add", args=[cast.course_boegely.public_id]),
        {"date": _in_days(1), "focus": "play", "child": "", "text": "Legede med to andre."},
        "date",
        "Observationen kan ikke have en dato i fremtiden.",
        kept=("date", "focus", "text"),
        form="observation_form",
    )


def second_case_in_an_individual_course(cast) -> Case:
    course = cast.course_boegely
    Course.objects.filter(pk=course.pk).update(kind=Course.Kind.INDIVIDUAL)
    noah = make_child(cast.ishoj, cast.boegely, "Noah", "0304224321")
    return Case(
        "bob",
        reverse("participant-add", args=[course.public_id]),
        {"child": noah.pk, "role": Participant.Role.CASE},
        "role",
        "Et individuelt forløb har ét barn i udsat position.",
        kept=("child", "role"),
        form="participant_form",
    )


CASES: dict[str, Callable] = {
    name.__name__: name
    for name in (
        plan_replace_without_target,
        plan_replace_without_text,
        plan_agreement_without_owner,
        plan_objection_without_comment,
        plan_reopened_without_reason,
        plan_objection_resolved_without_note,
        meeting_without_speech_consultant,
        consent_given_tomorrow,
        consent_without_professions,
        consent_without_referral,
        consent_without_partner,
        guardian_consent_without_professions,
        agenda_item_without_child,
        agenda_item_without_consent,
        anonymous_item_naming_the_child,
        minutes_unchanged,
        screening_round_twice,
        slot_in_both_functions,
        slot_in_a_fourth_institution,
        slot_taken_by_a_session,
        contract_share_over_100,
        absence_ending_before_it_starts,
        partner_email_taken,
        data_request_received_tomorrow,
        deadline_extended_without_reason,
        course_closed_before_it_started,
        observation_tomorrow,
        second_case_in_an_individual_course,
    )
}


def _text(value: object) -> object:
    return [str(v) for v in value] if isinstance(value, list) else str(value)


def _error_shown_by(page: str, bound) -> str:
    """The text of the error element the page prints by the field (`<id>_error`)."""
    found = re.search(
        rf'<span class="form-error-message" id="{re.escape(bound.auto_id)}_error">(.*?)</span>\s*<',
        page,
        re.S,
    )
    assert found, f"no error shown by {bound.name}"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


@pytest.mark.parametrize("name", CASES)
def test_a_refusal_about_one_field_is_said_by_that_field_and_the_typing_is_kept(cast, name):
    case = CASES[name](cast)
    client = Client()
    client.force_login(getattr(cast, case.user))
    data = dict(case.data)
    if case.opened_from:
        data = {**form_on(client.get(case.opened_from).content.decode()), **data}

    response = client.post(case.url, data)

    assert response.status_code == 200
    form = response.context[case.form]
    assert case.message in " ".join(form.errors.get(case.field, []))
    assert form.non_field_errors() == []  # not (also) in the box above the form
    page = response.content.decode()
    assert case.message in _error_shown_by(page, form[case.field])
    for kept in case.kept:
        assert _text(form[kept].value()) == _text(data[form.add_prefix(kept)])
        assert str(form[kept]) in page  # the field is on the page with that value
