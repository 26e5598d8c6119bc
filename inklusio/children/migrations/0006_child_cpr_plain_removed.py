"""The plain CPR column goes; uniqueness per municipality now holds on the keyed hash.

A migration of its own so that, on PostgreSQL, the rows 0005 rewrote are committed before the
table's constraints change.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("children", "0005_child_cpr_encrypted")]

    operations = [
        migrations.RemoveField(model_name="child", name="cpr"),
        migrations.AddConstraint(
            model_name="child",
            constraint=models.UniqueConstraint(
                fields=("municipality", "cpr_hash"), name="child_unique_cpr_per_municipality"
            ),
        ),
    ]
