"""Migrations 0005/0006 turn existing plain CPR numbers into tokens and hashes, and back."""

import pytest
from django.db import connection

from inklusio.core.crypto import cpr_lookup_hash, decrypt_cpr
from tests.conftest import migrate_to, migrate_to_latest

BEFORE = [("children", "0004_guardian_address_protected")]
AFTER = [("children", "0006_child_cpr_plain_removed")]


@pytest.mark.django_db(transaction=True)
def test_existing_numbers_are_encrypted_and_the_way_back_restores_them():
    old = migrate_to(BEFORE)
    Municipality = old.get_model("organisation", "Municipality")
    Institution = old.get_model("organisation", "Institution")
    Child = old.get_model("children", "Child")
    town = Municipality.objects.create(name="Migrationsby", slug="migrationsby")
    home = Institution.objects.create(municipality=town, name="Gamle Stue", size=40)
    for first_name, cpr in (("Ada", "0101224001"), ("Bo", "0202234002")):
        Child.objects.create(
            municipality=town,
            institution=home,
            first_name=first_name,
            last_name="Testesen",
            cpr=cpr,
            birth_date=f"20{cpr[4:6]}-{cpr[2:4]}-{cpr[:2]}",
        )

    new = migrate_to(AFTER)
    rows = {
        row["first_name"]: row
        for row in new.get_model("children", "Child").objects.values(
            "first_name", "cpr_encrypted", "cpr_hash"
        )
    }
    assert decrypt_cpr(rows["Ada"]["cpr_encrypted"]) == "0101224001"
    assert rows["Bo"]["cpr_hash"] == cpr_lookup_hash("0202234002")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM children_child")
        assert "0101224001" not in str(cursor.fetchall())

    back = migrate_to(BEFORE)
    plain = dict(back.get_model("children", "Child").objects.values_list("first_name", "cpr"))
    assert plain == {"Ada": "0101224001", "Bo": "0202234002"}
    migrate_to_latest()
