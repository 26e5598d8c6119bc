"""Reads of screening rounds, scoped by inklusio.access; a round's children are logged where
the round's page renders them."""

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import Role, User
from inklusio.reports.registry import Table, build_table
from inklusio.screening.models import ScreeningRating, ScreeningRound

if TYPE_CHECKING:
    from inklusio.meetings.models import ConsultativeMeeting


@dataclass(frozen=True)
class RoundLine:
    """A child on the round's form, with the rating given so far (None: not rated yet)."""

    child: Child
    rating: ScreeningRating | None


def screening_rounds_for(user: User) -> QuerySet[ScreeningRound]:
    return (
        access.screening_rounds_visible_to(user)
        .select_related("institution", "room")
        .annotate(
            rated=Count("ratings"),
            flagged=Count("ratings", filter=~Q(ratings__follow_up="")),
        )
    )


def screening_round_for_user(user: User, public_id: uuid.UUID | str) -> ScreeningRound:
    rounds = access.screening_rounds_visible_to(user).select_related("institution", "room")
    screening_round: ScreeningRound = access.get_visible_or_404(rounds, public_id=public_id)
    return screening_round


def round_lines(user: User, screening_round: ScreeningRound) -> list[RoundLine]:
    """The children of the round: those rated in it, and while it is open the room's children
    in daycare, each only if the user may see the child (need-to-know, with its time limits)."""
    ratings = {
        rating.child_id: rating
        for rating in screening_round.ratings.select_related("rated_by", "child")
    }
    children = access.children_visible_to(user)
    in_round = Q(pk__in=list(ratings))
    if not screening_round.is_closed:
        in_daycare = children.in_daycare().filter(room_id=screening_round.room_id)
        in_round |= Q(pk__in=in_daycare.values("pk"))
    shown = children.filter(in_round).order_by("first_name", "last_name", "pk")
    return [RoundLine(child=child, rating=ratings.get(child.pk)) for child in shown]


def distribution_for(user: User) -> Table | None:
    """The screening table for the institutions the user follows, suppressed as on the
    statistics page (counts of children below five shown as "<5", larger rounded down)."""
    if not access.can_use_screening(user) or user.municipality is None:
        return None
    institutions = None
    if user.role != Role.ADMINISTRATOR:
        institutions = list(access.institutions_visible_to(user))
        if not institutions:  # fail closed: no filter would mean the whole municipality
            return None
    return build_table("screening", user.municipality, institutions=institutions).suppressed()


def next_consultative_meeting(
    user: User, screening_round: ScreeningRound
) -> "ConsultativeMeeting | None":
    """The institution's next consultative meeting the user may open, for a yellow or red child
    whose follow-up is a meeting item (the meeting's own page keeps its consent rule)."""
    from django.utils import timezone

    return (
        access.consultative_meetings_visible_to(user)
        .filter(institution_id=screening_round.institution_id, date__gte=timezone.localdate())
        .order_by("date", "start_time")
        .first()
    )
