"""Children's master data as the administration checks it afterwards: what the audit log
says about a new child, a change and a guardian; that a save changing nothing leaves no trace;
that the CPR rate limit holds for exactly an hour (issue 12, mutation testing)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.services import REDACTED
from inklusio.children import services
from inklusio.children.models import Child, Guardian
from inklusio.core.errors import EditConflict
from tests.audit_rows import new_audit_rows

pytestmark = pytest.mark.django_db

BLOCKED = (
    "Du har for mange gange indtastet et CPR-nummer, der allerede er registreret. "
    "Prøv igen senere; forvaltningen er underrettet."
)


def nora(cast, **extra):
    return {
        "cpr": "0105234000",
        "first_name": "Nora",
        "last_name": "Nielsen",
        "institution": cast.elverhoej,
        **extra,
    }


class TestTheLogOfAChild:
    def test_a_new_child_is_logged_with_every_field_it_was_given(self, cast):
        with new_audit_rows() as rows:
            child = services.child_create(actor=cast.carl, data=nora(cast, languages="dansk"))
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            str(child.public_id),
            child.public_id,
        )
        assert row.changes["first_name"] == {"before": None, "after": "Nora"}
        assert row.changes["languages"] == {"before": None, "after": "dansk"}
        assert row.changes["birth_date"] == {"before": None, "after": "2023-05-01"}
        assert "room" not in row.changes  # nothing given, nothing logged

    def test_a_change_is_logged_with_the_new_version(self, cast):
        with new_audit_rows() as rows:
            child = services.child_update(
                actor=cast.carl,
                child=cast.emil,
                data={"languages": "dansk, arabisk"},
                expected_version=cast.emil.version,
            )
        [row] = rows
        assert row.action == AuditAction.CHANGE and row.child_id == cast.emil.public_id
        assert row.changes == {
            "languages": {"before": "", "after": "dansk, arabisk"},
            "version": {"before": cast.emil.version, "after": cast.emil.version + 1},
        }
        assert child.version == cast.emil.version + 1 and child.languages == "dansk, arabisk"

    def test_a_save_that_changes_nothing_leaves_no_trace(self, cast):
        with new_audit_rows() as rows:
            child = services.child_update(
                actor=cast.carl,
                child=cast.emil,
                data={"first_name": "Emil"},
                expected_version=cast.emil.version,
            )
        assert rows == [] and child.version == cast.emil.version

    def test_a_cpr_number_changed_to_another_childs_is_refused(self, cast):
        with pytest.raises(services.DuplicateChild) as refused:
            services.child_update(
                actor=cast.alice,
                child=cast.emil,
                data={"cpr": cast.mia.cpr},
                expected_version=cast.emil.version,
            )
        assert refused.value.existing == cast.mia
        cast.emil.refresh_from_db()
        assert cast.emil.cpr == "0201234567"

    def test_a_guardian_is_logged_with_the_relation(self, cast):
        with new_audit_rows() as rows:
            guardian = services.guardian_add(
                actor=cast.carl,
                child=cast.emil,
                data={"name": "Hanne Testesen", "phone": "12345678"},
                relation="mor",
                has_custody=False,
            )
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CREATE,
            str(guardian.public_id),
            cast.emil.public_id,
        )
        assert row.changes["relation"] == {"before": None, "after": "mor"}
        guardianship = guardian.guardianships.get()
        assert (guardianship.child, guardianship.relation, guardianship.has_custody) == (
            cast.emil,
            "mor",
            False,
        )
        assert (guardian.phone, guardian.email) == ("12345678", "")

    def test_a_cpr_number_known_only_in_another_municipality_may_be_taken(self, cast):
        child = services.child_update(
            actor=cast.alice,
            child=cast.emil,
            data={"cpr": cast.xenia.cpr},
            expected_version=cast.emil.version,
        )
        assert child.cpr == cast.xenia.cpr

    def test_a_guardian_added_without_more_has_custody_and_no_relation(self, cast):
        guardian = services.guardian_add(
            actor=cast.carl, child=cast.emil, data={"name": "Hans Testesen", "phone": "87654321"}
        )
        guardianship = guardian.guardianships.get()
        assert (guardianship.relation, guardianship.has_custody) == ("", True)


class TestAGuardiansChange:
    """A guardian's contact data or relation changes only from the version the change started
    from (today the import's real run, which passes the version it read)."""

    def gert(self, cast) -> Guardian:
        return Guardian.objects.get(name="Gert Testesen")

    def change(self, cast, version: int, relation: str = "far", **data) -> Guardian:
        return services.guardian_update(
            actor=cast.alice, child=cast.mia, guardian=self.gert(cast), data=data,
            relation=relation, expected_version=version,
        )  # fmt: skip

    def test_a_change_is_logged_with_the_new_version(self, cast):
        with new_audit_rows() as rows:
            gert = self.change(cast, 1, relation="bonusfar", phone="12 34 56 78")
        [row] = rows
        assert (row.action, row.object_id, row.child_id) == (
            AuditAction.CHANGE,
            str(gert.public_id),
            cast.mia.public_id,
        )
        assert row.changes == {
            "phone": {"before": "", "after": REDACTED},  # contact data is not repeated
            "relation": {"before": "far", "after": "bonusfar"},
            "version": {"before": 1, "after": 2},
        }
        assert (gert.phone, gert.version) == ("12 34 56 78", 2)
        assert gert.guardianships.get(child=cast.mia).relation == "bonusfar"

    def test_a_change_that_changes_nothing_leaves_no_trace(self, cast):
        with new_audit_rows() as rows:
            gert = self.change(cast, 1, name="Gert Testesen")
        assert rows == [] and gert.version == 1

    def test_of_two_changes_from_the_same_version_the_second_is_refused_and_the_first_kept(
        self, cast
    ):
        seen = self.gert(cast).version
        self.change(cast, seen, phone="12 34 56 78")
        with new_audit_rows() as rows, pytest.raises(EditConflict) as refused:
            self.change(cast, seen, phone="87 65 43 21", email="gert@example.invalid")
        # Refused with what the other person changed, and by whom; nothing else written.
        assert refused.value.changed_fields == {
            "phone": {"before": "", "after": REDACTED, "by": "Alice Testesen"}
        }
        assert rows == []
        gert = self.gert(cast)
        assert (gert.phone, gert.email, gert.version) == ("12 34 56 78", "", seen + 1)

        # From the version saved now, the change is made on purpose.
        gert = self.change(cast, refused.value.current.version, phone="87 65 43 21")
        assert (gert.phone, gert.version) == ("87 65 43 21", seen + 2)

    @pytest.fixture
    def gert_is_emils_father_too(self, cast) -> None:
        """One guardian record for both children."""
        self.gert(cast).guardianships.create(
            municipality=cast.mia.municipality, child=cast.emil, relation="far"
        )

    @pytest.mark.usefixtures("gert_is_emils_father_too")
    def test_new_contact_data_is_logged_on_every_child_of_the_guardian(self, cast):
        # Changed from Mia's page, it is Emil's father's phone as well: Emil's log shows it.
        with new_audit_rows() as rows:
            self.change(cast, 1, phone="12 34 56 78")
        [row] = rows
        assert {link.child_id for link in row.children.all()} == {
            cast.mia.public_id,
            cast.emil.public_id,
        }

    @pytest.mark.usefixtures("gert_is_emils_father_too")
    def test_a_new_relation_is_logged_on_this_child_only(self, cast):
        with new_audit_rows() as rows:
            self.change(cast, 1, relation="bonusfar")
        [row] = rows
        assert [link.child_id for link in row.children.all()] == [cast.mia.public_id]


class TestTheCprRateLimit:
    def test_the_limit_is_reached_at_the_limit_not_before(self, cast, settings):
        settings.CHILD_DUPLICATE_CPR_LIMIT = 2
        with pytest.raises(services.DuplicateChild):
            services.child_create(actor=cast.carl, data=nora(cast, cpr=cast.mia.cpr))
        # One known number: Carl may still register a child.
        assert services.child_create(actor=cast.carl, data=nora(cast)).first_name == "Nora"
        with pytest.raises(services.DuplicateChild):
            services.child_create(actor=cast.carl, data=nora(cast, cpr=cast.mia.cpr))
        with pytest.raises(services.TooManyDuplicateAttempts) as refused:
            services.child_create(actor=cast.carl, data=nora(cast, cpr="0101224321"))
        assert str(refused.value) == BLOCKED
        blocked = AuditEntry.objects.get(search_term="CPR-dublet: spærret efter for mange forsøg")
        assert (blocked.actor, blocked.object_type) == (cast.carl, "child")

    def test_each_known_number_is_logged_with_the_count_so_far(self, cast):
        for _attempt in range(2):
            with pytest.raises(services.DuplicateChild):
                services.child_create(actor=cast.carl, data=nora(cast, cpr=cast.mia.cpr))
        logged = AuditEntry.objects.filter(actor=cast.carl, action=AuditAction.SEARCH)
        assert [e.changes for e in logged.order_by("id")] == [
            {"attempts_this_hour": 1},
            {"attempts_this_hour": 2},
        ]
        assert {(e.object_id, e.child_id) for e in logged} == {
            (str(cast.mia.public_id), cast.mia.public_id)
        }

    def test_the_block_lifts_after_an_hour(self, cast, settings):
        settings.CHILD_DUPLICATE_CPR_LIMIT = 1
        cache.clear()
        with time_machine.travel(datetime.datetime.now(datetime.UTC), tick=False) as clock:
            with pytest.raises(services.DuplicateChild):
                services.child_create(actor=cast.carl, data=nora(cast, cpr=cast.mia.cpr))
            clock.shift(datetime.timedelta(minutes=59))
            with pytest.raises(services.TooManyDuplicateAttempts):
                services.child_create(actor=cast.carl, data=nora(cast))
            clock.shift(datetime.timedelta(minutes=1, seconds=1))
            assert services.child_create(actor=cast.carl, data=nora(cast)).first_name == "Nora"
        assert Child.objects.filter(first_name="Nora").count() == 1
