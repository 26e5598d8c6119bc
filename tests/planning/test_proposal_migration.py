"""Migration planning 0004 gives weeks calculated twice before it one open proposal: the newest
stays the proposal, the older ones are kept as replaced, and other weeks and plans keep theirs."""

import datetime

import pytest

from tests.conftest import TODAY, migrate_to, migrate_to_latest

BEFORE = [("planning", "0003_weekly_plan_version")]
AFTER = [("planning", "0004_one_open_proposal_per_week")]


@pytest.mark.django_db(transaction=True)
def test_parallel_proposals_of_a_week_leave_the_newest_open():
    old = migrate_to(BEFORE)
    Municipality = old.get_model("organisation", "Municipality")
    User = old.get_model("people", "User")
    WeeklyPlan = old.get_model("planning", "WeeklyPlan")
    town = Municipality.objects.create(name="Migrationsby", slug="migrationsby")
    leader = User.objects.create(username="leder-m", municipality=town, role="corps_leader")
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    next_monday = monday + datetime.timedelta(days=7)
    made = datetime.datetime.combine(TODAY, datetime.time(9), tzinfo=datetime.UTC)

    def plan(week, status, minutes):
        row = WeeklyPlan.objects.create(
            municipality=town, week_start=week, status=status, created_by=leader
        )
        # Set afterwards: auto_now_add ignores a creation time given to create().
        WeeklyPlan.objects.filter(pk=row.pk).update(
            created_at=made + datetime.timedelta(minutes=minutes)
        )
        return row

    # The newer proposal is made first: the newest by time stays, not the last row.
    newest, older = plan(monday, "proposed", 5), plan(monday, "proposed", 0)
    published = plan(monday, "published", -60)
    alone = plan(next_monday, "proposed", 0)

    new = migrate_to(AFTER)
    rows = {
        row["pk"]: (row["status"], row["version"])
        for row in new.get_model("planning", "WeeklyPlan").objects.values("pk", "status", "version")
    }
    assert rows == {
        older.pk: ("replaced", 2),
        newest.pk: ("proposed", 1),
        published.pk: ("published", 1),
        alone.pk: ("proposed", 1),
    }

    migrate_to_latest()
