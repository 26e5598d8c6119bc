"""The action-plan part of a data-subject export: plans, versions, meetings and acknowledgements."""

from typing import Any

from inklusio.children.models import Child


def export(child: Child) -> dict[str, Any]:
    return {
        "plans": [
            {
                "title": plan.title,
                "status": plan.get_status_display(),
                "versions": [
                    {
                        "number": v.number,
                        "at": v.created_at.isoformat(),
                        "source": v.get_source_display(),
                        **v.snapshot,
                    }
                    for v in plan.versions.all()
                ],
                "meetings": [
                    {
                        "date": m.date.isoformat(),
                        "kind": m.get_kind_display(),
                        "acknowledgements": [
                            {
                                "by": str(a.user),
                                "answer": a.get_answer_display(),
                                "comment": a.comment,
                            }
                            for a in m.acknowledgements.select_related("user")
                        ],
                    }
                    for m in plan.meetings.all()
                ],
            }
            for plan in child.action_plans.prefetch_related("versions", "meetings")
        ]
    }
