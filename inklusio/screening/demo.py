"""Demo screening at Bøgely: every room screened in the last two half years (closed, so the
figures show on the statistics page), and the current half year's round open and half filled."""

from inklusio.core.demo import DemoContext
from inklusio.screening import services
from inklusio.screening.models import FollowUp, Half, Light
from inklusio.screening.selectors import round_lines

ACTIONS = [
    "Fast voksen ved aflevering om morgenen.",
    "Billedstøtte til dagens program.",
    "Leg i mindre grupper to gange om ugen.",
]


def _halves(demo: DemoContext) -> list[tuple[int, int]]:
    """The current half year and the two before it, oldest first."""
    year, half = demo.today.year, Half.SPRING if demo.today.month <= 6 else Half.AUTUMN
    found = [(year, half)]
    for _step in range(2):
        year, half = (year - 1, Half.AUTUMN) if half == Half.SPRING else (year, Half.SPRING)
        found.append((year, half))
    return list(reversed(found))


def _rating(demo: DemoContext, child, index: int) -> services.RatingInput:
    draw = demo.rng.random()
    wellbeing = Light.RED if draw < 0.06 else Light.YELLOW if draw < 0.2 else Light.GREEN
    development = Light.YELLOW if demo.rng.random() < 0.15 else Light.GREEN
    if wellbeing == development == Light.GREEN:
        return services.RatingInput(child=child, wellbeing=wellbeing, development=development)
    follow_up = demo.rng.choice([FollowUp.ROOM, FollowUp.ROOM, FollowUp.MEETING])
    if wellbeing == Light.RED:
        follow_up = FollowUp.REFERRAL
    return services.RatingInput(
        child=child,
        wellbeing=wellbeing,
        development=development,
        follow_up=follow_up,
        action=ACTIONS[index % len(ACTIONS)] if follow_up == FollowUp.ROOM else "",
    )


def build(demo: DemoContext) -> None:
    leader, staff = demo.users["demo-leder"], demo.users["demo-personale"]
    boegely = demo.institutions["Bøgely"]
    halves = _halves(demo)
    for room in boegely.rooms.all():
        for year, half in halves:
            screening_round = services.screening_round_open(
                actor=leader, room=room, year=year, half=half
            )
            lines = round_lines(staff, screening_round)
            current = (year, half) == halves[-1]
            rated = lines[: len(lines) // 2] if current else lines
            if rated:
                services.screening_round_fill(
                    actor=staff,
                    screening_round=screening_round,
                    ratings=[_rating(demo, line.child, i) for i, line in enumerate(rated)],
                    # The round was opened just above: the demo fills it as it is.
                    expected_version=screening_round.version,
                )
            if not current and rated:
                services.screening_round_close(actor=leader, screening_round=screening_round)
