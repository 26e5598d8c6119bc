"""The course part of a data-subject export: participations with the sessions attended and the
effect measures, and the observations about the child."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.courses.models import Observation, Participant

COVERS = (
    "courses.Participant",
    "courses.Session",
    "courses.EffectMeasure",
    "courses.Observation",
)

TITLE = gettext_lazy("Ressourceforløb")

LABELS = {
    "courses": gettext_lazy("Forløb barnet har deltaget i"),
    "participant_as": gettext_lazy("Deltager som"),
    "course": gettext_lazy("Forløb"),
    "goals_of_course": gettext_lazy("Forløbets mål"),
    "planned_end": gettext_lazy("Planlagt slut"),
    "joined_on": gettext_lazy("Startede i forløbet"),
    "parent_letter_given_on": gettext_lazy("Forældrebrev givet"),
    "parent_letter_delivery": gettext_lazy("Forældrebrev givet som"),
    "sessions_attended": gettext_lazy("Gange barnet deltog"),
    "cause": gettext_lazy("Årsag"),
    "earlier_registrations": gettext_lazy("Tidligere registreringer"),
    "corrected_at": gettext_lazy("Rettet"),
    "effect_measures": gettext_lazy("Effektmålinger"),
    "phase": gettext_lazy("Tidspunkt"),
    "assessed_on": gettext_lazy("Vurderet"),
    "assessed_by": gettext_lazy("Vurderet af"),
    "participation": gettext_lazy("Deltagelse"),
    "play": gettext_lazy("Leg"),
    "conflicts": gettext_lazy("Konflikter"),
    "wellbeing": gettext_lazy("Trivsel"),
    "observations": gettext_lazy("Observationer"),
    "focus": gettext_lazy("Fokus"),
}


def _participation(p: Participant) -> dict[str, Any]:
    course = p.course
    return {
        "course": course.title,
        "kind": course.get_kind_display(),
        "institution": course.institution.name,
        "goals_of_course": course.goals,
        "start": iso(course.start),
        "planned_end": iso(course.planned_end),
        "closed_on": iso(course.closed_on),
        "participant_as": p.get_role_display(),
        "joined_on": iso(p.joined_on),
        "parent_letter_given_on": iso(p.letter_sent_on),
        "parent_letter_delivery": p.get_letter_delivery_display() if p.letter_delivery else None,
        "sessions_attended": [
            {
                "date": iso(s.date),
                "start_time": s.start_time.strftime("%H:%M"),
                "status": s.get_status_display(),
                "cause": s.get_cause_display() if s.cause else None,
                "note": s.note,
                # Earlier registrations a correction replaced (other children's names left out).
                "earlier_registrations": [
                    {
                        "status": entry["status_display"],
                        "cause": entry["cause_display"] or None,
                        "note": entry.get("note", ""),
                        "corrected_at": entry.get("corrected_at"),
                        "reason": entry.get("reason", ""),
                    }
                    for entry in s.history
                ],
            }
            for s in p.sessions_attended.all()
        ],
        "effect_measures": [
            {
                "phase": m.get_phase_display(),
                "assessed_on": iso(m.assessed_on),
                "assessed_by": person(m.assessed_by),
                **{name: getattr(m, name) for name in m.DIMENSIONS},
                "note": m.note,
            }
            for m in p.measures.all()
        ],
    }


def export(child: Child) -> dict[str, Any]:
    participations = (
        child.course_participations.select_related("course__institution")
        .prefetch_related("sessions_attended", "measures__assessed_by")
        .order_by("joined_on", "pk")
    )
    observations = (
        Observation.objects.filter(child=child)
        .select_related("course", "author")
        .order_by("date", "pk")
    )
    return {
        "courses": [_participation(p) for p in participations],
        "observations": [
            {
                "date": iso(o.date),
                "course": o.course.title,
                "focus": o.get_focus_display(),
                "text": o.text,
                "by": person(o.author),
                "created_at": iso(o.created_at),
            }
            for o in observations
        ],
    }
