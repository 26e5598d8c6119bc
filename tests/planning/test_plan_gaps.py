"""What the week cannot cover (shortage, lost half-days, unmet demand) is shown to each as the
grid is: the corps' planners all of it, an institution its own part and the facts about the
whole municipality — another institution's gaps are not theirs to act on."""

import pytest

from inklusio.core.templatetags.danish_dates import short_date
from tests.planning.conftest import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_with_gaps(published_week):
    """The published week as a re-plan after absences leaves it: both institutions short."""
    plan = published_week.published
    plan.shortage = [
        fact("municipality", "Hele kommunen", 7.0),
        fact("institution", "Bøgely", 3.5),
        fact("institution", "Elverhøj", 10.5),
    ]
    plan.lost = [
        {"institution": "Bøgely", "day": 0, "half": 0, "date": MONDAY.isoformat()},
        {"institution": "Elverhøj", "day": 0, "half": 1, "date": MONDAY.isoformat()},
    ]
    plan.unmet = {"Bøgely": 3.5, "Elverhøj": 10.5}
    plan.save(update_fields=["shortage", "lost", "unmet"])
    return published_week


def fact(scope, where, missing):
    return {
        "scope": scope,
        "where": where,
        "demand_hours": missing + 7.0,
        "capacity_hours": 7.0,
        "missing_hours": missing,
    }


def gaps_seen_by(corps, user) -> dict[str, list[str]]:
    page = corps.client_for(user).get(corps.published.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()

    def lines(testid):
        return [
            part.split(">", 1)[1].split("</li>", 1)[0]
            for part in text.split(f'data-testid="{testid}"')[1:]
        ]

    unmet = (
        text.split("Udækket behov</dt><dd>", 1)[1].split("</dd>", 1)[0] if "Udækket" in text else ""
    )
    return {"shortage": lines("shortage"), "lost": lines("lost"), "unmet": [unmet] if unmet else []}


def test_the_corps_leader_sees_every_institutions_gaps(week_with_gaps):
    seen = gaps_seen_by(week_with_gaps, week_with_gaps.cora)
    assert [line.split(":")[0] for line in seen["shortage"]] == [
        "Hele kommunen",
        "Bøgely",
        "Elverhøj",
    ]
    monday = short_date(MONDAY)
    assert seen["lost"] == [f"Bøgely: {monday} formiddag", f"Elverhøj: {monday} eftermiddag"]
    assert seen["unmet"] == ["Bøgely: 3,5 t; Elverhøj: 10,5 t"]


@pytest.mark.parametrize(
    "who,own,other", [("lene", "Bøgely", "Elverhøj"), ("pete", "Elverhøj", "Bøgely")]
)
def test_an_institution_and_its_pedagogue_see_their_own_part(week_with_gaps, who, own, other):
    seen = gaps_seen_by(week_with_gaps, getattr(week_with_gaps, who))
    assert [line.split(":")[0] for line in seen["shortage"]] == ["Hele kommunen", own]
    assert [line.split(":")[0] for line in seen["lost"]] == [own]
    assert seen["unmet"] and seen["unmet"][0].startswith(f"{own}:")
    assert other not in " ".join(seen["shortage"] + seen["lost"] + seen["unmet"])
