"""Migration children 0007 keeps the invitations made before scopes: each becomes an
invitation to the child's case with its own opaque id, and still grants what it granted."""

import pytest

from tests.conftest import migrate_to, migrate_to_latest

BEFORE = [("children", "0006_child_cpr_plain_removed")]
AFTER = [("children", "0007_partner_invitation_scopes")]


@pytest.mark.django_db(transaction=True)
def test_existing_invitations_become_child_scope_invitations():
    old = migrate_to(BEFORE)
    Municipality = old.get_model("organisation", "Municipality")
    Institution = old.get_model("organisation", "Institution")
    Child = old.get_model("children", "Child")
    User = old.get_model("people", "User")
    town = Municipality.objects.create(name="Migrationsby", slug="migrationsby")
    home = Institution.objects.create(municipality=town, name="Gamle Stue", size=40)
    child = Child.objects.create(
        municipality=town,
        institution=home,
        first_name="Ada",
        last_name="Testesen",
        birth_date="2022-01-01",
    )
    admin = User.objects.create(username="admin-m", municipality=town, role="administrator")
    partners = [
        User.objects.create(username=f"p{k}", municipality=town, role="partner") for k in range(2)
    ]
    Invitation = old.get_model("children", "PartnerInvitation")
    for partner in partners:
        Invitation.objects.create(
            municipality=town, child=child, partner=partner, invited_by=admin, reason="Møde"
        )

    new = migrate_to(AFTER)
    rows = list(
        new.get_model("children", "PartnerInvitation").objects.values(
            "scope", "child_id", "public_id", "ended_on", "reason"
        )
    )
    assert [(r["scope"], r["child_id"], r["ended_on"], r["reason"]) for r in rows] == [
        ("child", child.pk, None, "Møde")
    ] * 2
    assert len({r["public_id"] for r in rows}) == 2 and all(r["public_id"] for r in rows)

    migrate_to_latest()
