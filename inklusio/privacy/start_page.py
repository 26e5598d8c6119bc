"""The administration's open data-subject requests on its start page (figures only)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.people.models import User
from inklusio.privacy.models import DataRequest


def section(user: User) -> dict | None:
    if not access.can_manage_data_requests(user):
        return None
    open_requests = access.data_requests_visible_to(user).filter(
        status__in=[DataRequest.Status.RECEIVED, DataRequest.Status.EXTENDED]
    )
    counts = open_requests.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=timezone.localdate()))
    )
    cards = [
        {
            "figure": counts["open"],
            "label": _("Åbne indsigtsanmodninger"),
            "url": reverse("privacy-requests"),
        }
    ]
    if counts["overdue"]:
        cards.append(
            {
                "figure": counts["overdue"],
                "label": _("Indsigtsanmodninger over fristen"),
                "url": reverse("privacy-requests"),
            }
        )
    return {"cards": cards}
