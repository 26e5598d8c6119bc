"""The screening part of a data-subject export: the child's lights in each round, and the
follow-up chosen for yellow or red."""

from typing import Any

from django.utils.translation import gettext_lazy

from inklusio.children.export import iso, person
from inklusio.children.models import Child
from inklusio.screening.models import ScreeningRating

COVERS = ("screening.ScreeningRating",)

TITLE = gettext_lazy("Tidlig opsporing")

LABELS = {
    "screenings": gettext_lazy("Screeninger"),
    "round": gettext_lazy("Runde"),
    "institution": gettext_lazy("Institution"),
    "wellbeing": gettext_lazy("Trivsel"),
    "development": gettext_lazy("Udvikling"),
    "follow_up": gettext_lazy("Opfølgning"),
    "action": gettext_lazy("Handling på stuen"),
    "rated_by": gettext_lazy("Vurderet af"),
    "rated_on": gettext_lazy("Vurderet"),
}


def export(child: Child) -> dict[str, Any]:
    ratings = (
        ScreeningRating.objects.filter(child=child)
        .select_related("round__room", "round__institution", "rated_by")
        .order_by("round__year", "round__half", "pk")
    )
    return {
        "screenings": [
            {
                "round": str(rating.round),
                "institution": rating.round.institution.name,
                "wellbeing": rating.get_wellbeing_display(),
                "development": rating.get_development_display(),
                "follow_up": rating.get_follow_up_display() if rating.follow_up else None,
                "action": rating.action,
                "rated_by": person(rating.rated_by),
                "rated_on": iso(rating.rated_on),
            }
            for rating in ratings
        ]
    }
