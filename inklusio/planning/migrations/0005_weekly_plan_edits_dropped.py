"""The manual edits a new calculation of the week left out, as their pedagogue has since been
recorded absent on the half-day: stored on the plan, so it tells the corps leader."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0004_one_open_proposal_per_week"),
    ]

    operations = [
        migrations.AddField(
            model_name="weeklyplan",
            name="edits_dropped",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
