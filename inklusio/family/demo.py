"""Demo: a message from the pedagogue to the demo parent on the child's plan (unread)."""

import datetime

from django.utils import timezone

from inklusio.core.demo import DemoContext
from inklusio.family.models import Message
from inklusio.plans.models import ActionPlan


def build(demo: DemoContext) -> None:
    pedagogue = demo.users["demo-paedagog"]
    plan = (
        ActionPlan.objects.filter(child=demo.children[0], owner=pedagogue)
        .order_by("created_at")
        .first()
    )
    if plan is None:
        return
    Message.objects.create(
        municipality=demo.municipality,
        plan=plan,
        author=pedagogue,
        text="Hej! Billedkortene til morgenrutinen ligger i garderoben, hvis I vil prøve dem "
        "derhjemme.",
        # Yesterday afternoon, from the demo's day so the same seed gives the same data (this
        # morning's would lie ahead of a demo loaded before the pedagogue wrote it).
        created_at=timezone.make_aware(
            datetime.datetime.combine(
                demo.today - datetime.timedelta(days=1), datetime.time(15, 30)
            )
        ),
    )
