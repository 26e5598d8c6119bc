"""Screening rounds: opened per room and half year, filled in by the staff who know the
children, closed when every child has lights and every yellow or red child a follow-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from inklusio import access
from inklusio.audit.edits import refuse_outdated
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.children.models import Child
from inklusio.core.errors import DomainError
from inklusio.organisation.models import Room
from inklusio.people.models import User
from inklusio.screening.models import (
    LIGHT_ORDER,
    FollowUp,
    Half,
    Light,
    ScreeningRating,
    ScreeningRound,
)
from inklusio.screening.selectors import round_lines


class ScreeningRuleBroken(DomainError):
    """A rule of the screening is broken; the message says which, in Danish."""


@dataclass(frozen=True)
class Problem:
    """One child's rating that cannot be saved: the form field it concerns and why."""

    child: Child
    field: str
    message: str


class RatingsIncomplete(ScreeningRuleBroken):
    """Some children's ratings are incomplete; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        children = len({problem.child.pk for problem in problems})
        super().__init__(
            ngettext(
                "Vurderingen af %(count)d barn kunne ikke gemmes. Se ved barnet herunder.",
                "Vurderingerne af %(count)d børn kunne ikke gemmes. Se ved børnene herunder.",
                children,
            )
            % {"count": children}
        )


@dataclass(frozen=True)
class RatingInput:
    """What the form says about one child; empty lights mean "not rated yet"."""

    child: Child
    wellbeing: str = ""
    development: str = ""
    follow_up: str = ""
    action: str = ""


def screening_round_open(*, actor: User, room: Room, year: int, half: int) -> ScreeningRound:
    """A room is screened once per half year (twice a year), by its own institution."""
    if not access.rooms_for_screening(actor).filter(pk=room.pk).exists():
        raise ScreeningRuleBroken(_("Du kan kun åbne screeninger på stuer i din egen institution."))
    label = f"{Half(half).label} {year}"
    if ScreeningRound.objects.filter(room=room, year=year, half=half).exists():
        raise ScreeningRuleBroken(
            _("%(room)s har allerede en screeningsrunde i %(period)s.")
            % {"room": room.name, "period": label},
            field="room",
        )
    try:
        with transaction.atomic():
            screening_round = ScreeningRound.objects.create(
                municipality_id=room.municipality_id,
                institution_id=room.institution_id,
                room=room,
                year=year,
                half=half,
                opened_on=timezone.localdate(),
                opened_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=screening_round,
                changes={"room": room.name, "year": year, "half": half},
            )
    except IntegrityError as race:  # opened by someone else at the same moment
        raise ScreeningRuleBroken(
            _("%(room)s har allerede en screeningsrunde i %(period)s.")
            % {"room": room.name, "period": label},
            field="room",
        ) from race
    return screening_round


def _problems(item: RatingInput) -> list[Problem]:
    """A child is rated on both lights or not at all; yellow or red needs a follow-up, and an
    action in the room needs its text."""
    child, problems = item.child, []
    if not item.wellbeing and not item.development:
        if item.follow_up or item.action:
            problems.append(Problem(child, "wellbeing", _("Vælg en farve for trivsel.")))
        return problems
    if not item.wellbeing:
        problems.append(Problem(child, "wellbeing", _("Vælg en farve for trivsel.")))
    if not item.development:
        problems.append(Problem(child, "development", _("Vælg en farve for udvikling.")))
    flagged = Light.YELLOW in (item.wellbeing, item.development) or Light.RED in (
        item.wellbeing,
        item.development,
    )
    if flagged and not item.follow_up:
        problems.append(
            Problem(
                child,
                "follow_up",
                _("Gul eller rød: vælg en opfølgning (handling på stuen, møde eller indstilling)."),
            )
        )
    if item.follow_up == FollowUp.ROOM and not item.action.strip():
        problems.append(Problem(child, "action", _("Skriv kort, hvad I gør på stuen.")))
    return problems


def _changed(item: RatingInput, rating: ScreeningRating | None) -> bool:
    """Whether the form changes the child's rating; a child left without lights keeps what it
    has (a browser cannot untick a radio button, so an empty answer is "not now")."""
    if not item.wellbeing:
        return False
    if rating is None:
        return True
    return (item.wellbeing, item.development, item.follow_up, item.action.strip()) != (
        rating.wellbeing,
        rating.development,
        rating.follow_up,
        rating.action,
    )


def _save_rating(
    actor: User, locked: ScreeningRound, item: RatingInput, rating: ScreeningRating | None
) -> None:
    flagged = max(LIGHT_ORDER[item.wellbeing], LIGHT_ORDER[item.development]) > 0
    values = {
        "wellbeing": item.wellbeing,
        "development": item.development,
        # A green child needs nothing more: a follow-up left over from an earlier choice goes.
        "follow_up": item.follow_up if flagged else "",
        "action": item.action.strip() if flagged and item.follow_up == FollowUp.ROOM else "",
        "rated_by": actor,
        "rated_on": timezone.localdate(),
    }
    if rating is None:
        ScreeningRating.objects.create(
            municipality_id=locked.municipality_id, round=locked, child=item.child, **values
        )
    else:
        ScreeningRating.objects.filter(pk=rating.pk).update(**values)


def screening_round_fill(
    *,
    actor: User,
    screening_round: ScreeningRound,
    ratings: Sequence[RatingInput],
    expected_version: int,
) -> ScreeningRound:
    """The staff who know the children give each a light for well-being and development
    (TOPI-like); yellow or red needs a follow-up. All or nothing: an incomplete child refuses
    the save with the reason at that child."""
    if not access.can_work_on_screening_round(actor, screening_round):
        raise ScreeningRuleBroken(_("Runden er afsluttet og kan ikke længere ændres."))
    problems = [problem for item in ratings for problem in _problems(item)]
    if problems:
        raise RatingsIncomplete(problems)
    with transaction.atomic():
        locked: ScreeningRound = ScreeningRound.objects.select_for_update().get(
            pk=screening_round.pk
        )
        if locked.is_closed:
            raise ScreeningRuleBroken(_("Runden er afsluttet og kan ikke længere ændres."))
        refuse_outdated(locked, expected_version)
        existing = {r.child_id: r for r in locked.ratings.all()}
        changed = [item for item in ratings if _changed(item, existing.get(item.child.pk))]
        if not changed:
            raise ScreeningRuleBroken(_("Ingen vurderinger er ændret, så der er intet at gemme."))
        rated_before = len(existing)
        for item in changed:
            _save_rating(actor, locked, item, existing.get(item.child.pk))
        rated_after = locked.ratings.count()
        changes = {
            "version": {"before": locked.version, "after": locked.version + 1},
            "ratings": {"before": rated_before, "after": rated_after},
            "changed_ratings": len(changed),
        }
        ScreeningRound.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        locked.refresh_from_db()
        children = [item.child for item in changed]
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes=changes,
            **({"child": children[0]} if len(children) == 1 else {"children": children}),
        )
    return locked


def screening_round_close(*, actor: User, screening_round: ScreeningRound) -> ScreeningRound:
    """A round closes when every child in the room has been rated; its figures then count in
    the statistics (and the round can no longer change)."""
    if not access.can_work_on_screening_round(actor, screening_round):
        raise ScreeningRuleBroken(_("Runden er allerede afsluttet."))
    unrated = sum(line.rating is None for line in round_lines(actor, screening_round))
    if unrated:
        raise ScreeningRuleBroken(
            ngettext(
                "%(count)d barn mangler en vurdering. Vurdér barnet, før runden afsluttes.",
                "%(count)d børn mangler en vurdering. Vurdér dem, før runden afsluttes.",
                unrated,
            )
            % {"count": unrated}
        )
    with transaction.atomic():
        locked: ScreeningRound = ScreeningRound.objects.select_for_update().get(
            pk=screening_round.pk
        )
        if locked.is_closed:
            raise ScreeningRuleBroken(_("Runden er allerede afsluttet."))
        if not locked.ratings.exists():
            raise ScreeningRuleBroken(_("Runden har ingen vurderinger endnu."))
        today = timezone.localdate()
        ScreeningRound.objects.filter(pk=locked.pk).update(
            closed_on=today, closed_by=actor, version=F("version") + 1
        )
        locked.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=locked,
            changes={
                "closed_on": {"before": None, "after": today.isoformat()},
                "version": {"before": locked.version - 1, "after": locked.version},
            },
        )
    return locked
