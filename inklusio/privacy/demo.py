"""Demo data-subject requests: one received last week, one past its deadline (so the overview
shows how an overdue request stands out)."""

import datetime

from inklusio.core.demo import DemoContext
from inklusio.privacy import services


def build(demo: DemoContext) -> None:
    administrator = demo.users["demo-forvaltning"]
    for child, days_ago in zip(demo.children[1:3], (6, 40), strict=True):
        guardian = child.guardianships.select_related("guardian").first()
        services.data_request_register(
            actor=administrator,
            child=child,
            requester=guardian.guardian.name if guardian else "Forælder",
            received_on=demo.today - datetime.timedelta(days=days_ago),
        )
