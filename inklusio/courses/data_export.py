"""The course part of a data-subject export: participations, effect measures, observations."""

from typing import Any

from inklusio.children.models import Child
from inklusio.courses.models import Observation


def export(child: Child) -> dict[str, Any]:
    return {
        "courses": [
            {
                "course": p.course.title,
                "kind": p.course.get_kind_display(),
                "institution": p.course.institution.name,
                "role": p.get_role_display(),
                "start": p.course.start.isoformat(),
                "closed_on": p.course.closed_on and p.course.closed_on.isoformat(),
                "sessions_attended": p.sessions_attended.count(),
                "effect_measures": [
                    {
                        "phase": m.get_phase_display(),
                        "assessed_on": m.assessed_on.isoformat(),
                        **{name: getattr(m, name) for name in m.DIMENSIONS},
                        "note": m.note,
                    }
                    for m in p.measures.all()
                ],
            }
            for p in child.course_participations.select_related(
                "course__institution"
            ).prefetch_related("measures")
        ],
        "observations": [
            {"date": o.date.isoformat(), "focus": o.get_focus_display(), "text": o.text}
            for o in Observation.objects.filter(child=child)
        ],
    }
