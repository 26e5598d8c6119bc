"""CPR numbers move from a plain column to an encrypted one with a keyed hash beside it.

Runs with the keys of the environment it is run in (settings.CPR_KEYS, CPR_HASH_KEY): migrate
production with the production keys set. Reversible: going back decrypts into the plain column.
"""

from django.db import migrations, models

from inklusio.core.crypto import cpr_lookup_hash, decrypt_cpr, encrypt_cpr

BATCH = 1000


def encrypt_existing(apps, schema_editor):
    Child = apps.get_model("children", "Child")
    children = list(Child.objects.only("pk", "cpr").order_by("pk"))
    for child in children:
        child.cpr_encrypted = encrypt_cpr(child.cpr)
        child.cpr_hash = cpr_lookup_hash(child.cpr)
        child.cpr = ""
    Child.objects.bulk_update(children, ["cpr_encrypted", "cpr_hash", "cpr"], batch_size=BATCH)


def decrypt_existing(apps, schema_editor):
    Child = apps.get_model("children", "Child")
    children = list(Child.objects.only("pk", "cpr_encrypted").order_by("pk"))
    for child in children:
        child.cpr = decrypt_cpr(child.cpr_encrypted)
    Child.objects.bulk_update(children, ["cpr"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("children", "0004_guardian_address_protected")]

    operations = [
        migrations.RemoveConstraint(model_name="child", name="child_unique_cpr_per_municipality"),
        migrations.AlterField(
            model_name="child",
            name="cpr",
            field=models.CharField(
                blank=True, default="", max_length=10, verbose_name="CPR-nummer"
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="cpr_encrypted",
            field=models.TextField(
                default="", editable=False, verbose_name="CPR-nummer (krypteret)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="child",
            name="cpr_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="CPR-nummer (nøglet hash)"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
