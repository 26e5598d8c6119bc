"""One open proposal a week. Weeks calculated twice before this have parallel proposals: the
newest stays the week's proposal, the older ones are marked replaced (kept, as every replaced
plan is), so the constraint can be made."""

from django.db import migrations, models
from django.db.models import F


def close_parallel_proposals(apps, schema_editor):
    WeeklyPlan = apps.get_model("planning", "WeeklyPlan")
    proposals = WeeklyPlan.objects.filter(status="proposed").order_by(
        "municipality_id", "week_start", "-created_at", "-pk"
    )
    newest = set()
    older = []
    for pk, municipality_id, week_start in proposals.values_list(
        "pk", "municipality_id", "week_start"
    ):
        if (municipality_id, week_start) in newest:
            older.append(pk)
        else:
            newest.add((municipality_id, week_start))
    WeeklyPlan.objects.filter(pk__in=older).update(status="replaced", version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial_organisation"),
        ("planning", "0003_weekly_plan_version"),
    ]

    operations = [
        migrations.RunPython(close_parallel_proposals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="weeklyplan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "proposed")),
                fields=("municipality", "week_start"),
                name="one_open_proposal_per_week",
            ),
        ),
    ]
