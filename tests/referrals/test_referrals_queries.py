"""The visitation overview counts places for every period and every resource group in one
grouped query each (not one per period or group); the figures stay those of
`support_places_used` and `group_places_used`."""

import datetime

from django.urls import reverse

from inklusio.referrals import selectors
from inklusio.referrals.models import Decision, Offer
from tests.conftest import TODAY, earlier_period, make_child


def _grant(cast, child, *, period, offer, **extra) -> Decision:
    return Decision.objects.create(
        municipality=cast.ishoj,
        child=child,
        outcome=Decision.Outcome.GRANTED,
        offer=offer,
        category="contact_behaviour",
        reasons="-",
        legal_basis=cast.legal_basis,
        start=period.start,
        end=TODAY + datetime.timedelta(days=90),
        period=period,
        decided_by=cast.alice,
        decided_on=period.start,
        contact_person=cast.alice,
        **extra,
    )


def test_every_period_and_group_shows_its_own_places(cast, client_for):
    last_year = earlier_period(cast, support_places=5)
    kids = [make_child(cast.ishoj, cast.boegely, f"K{i}", f"0{i + 1}0123{i:04d}") for i in range(3)]
    # Last year: two children with a support pedagogue, one of them granted twice (counts once).
    for child in (kids[0], kids[0], kids[1]):
        _grant(cast, child, period=last_year, offer=Offer.SUPPORT_PEDAGOGUE)
    # Bøgely's group: two places in force, one ended (free again); Dragør's group is not shown.
    for child in kids[:2]:
        _grant(
            cast, child, period=cast.period, offer=Offer.RESOURCE_GROUP_PLACE,
            resource_group=cast.group_boegely,
        )  # fmt: skip
    _grant(
        cast, kids[2], period=cast.period, offer=Offer.RESOURCE_GROUP_PLACE,
        resource_group=cast.group_boegely, ended_on=TODAY - datetime.timedelta(days=1),
    )  # fmt: skip
    page = client_for(cast.alice).get(reverse("visitation-overview")).context
    periods = [(row["period"], row["used"], row["free"]) for row in page["periods"]]
    assert periods == [(cast.period, 1, 6), (last_year, 2, 3)]  # Mia holds this year's place
    assert [(row["group"], row["used"], row["free"]) for row in page["groups"]] == [
        (cast.group_boegely, 2, 4)
    ]
    assert [row["used"] for row in page["periods"]] == [
        selectors.support_places_used(p) for p in (cast.period, last_year)
    ]
    assert page["groups"][0]["used"] == selectors.group_places_used(cast.group_boegely)
