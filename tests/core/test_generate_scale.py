"""`manage.py generate_scale` (issue 14): the load benchmark's dataset at a tiny size, on both
databases (COPY writes the audit rows on PostgreSQL, bulk_create on SQLite)."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.audit.services import audit_sign_in
from inklusio.audit.verify import verify_chains
from inklusio.children.models import Child, Guardianship
from inklusio.courses.models import Course, Session
from inklusio.meetings.models import ConsultativeMeeting
from inklusio.organisation.models import Institution, Municipality
from inklusio.people.models import Role, User
from inklusio.planning.models import PlanSlot, WeeklyPlan
from inklusio.plans.models import ActionPlan, PlanMeeting
from inklusio.referrals.models import Decision, Referral
from tests.conftest import assert_open_accounts_have_their_own_emails

TINY = ["--municipalities", "2", "--children", "60", "--courses", "30", "--audit-rows", "400"]


def _generate(*extra: str) -> str:
    out = io.StringIO()
    call_command("generate_scale", *TINY, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_every_role_in_every_municipality_signs_in_with_the_benchmark_password_and_code():
    _generate()

    municipalities = list(Municipality.objects.order_by("slug"))
    assert [m.slug for m in municipalities] == ["k0", "k1"]
    for municipality in municipalities:
        users = User.objects.filter(municipality=municipality)
        institutions = Institution.objects.filter(municipality=municipality).count()
        per_role = {role: users.filter(role=role).count() for role in Role.values}
        assert per_role[Role.ADMINISTRATOR] == 1
        assert per_role[Role.CORPS_LEADER] == 1
        assert per_role[Role.PEDAGOGUE] >= 2
        assert per_role[Role.INSTITUTION_LEADER] == institutions
        assert per_role[Role.STAFF] == institutions
        assert per_role[Role.PARTNER] == 2
        assert per_role[Role.GUARDIAN] == 5
        # Each parent login is the guardian of a child in its own municipality.
        for parent in users.filter(role=Role.GUARDIAN):
            child = Guardianship.objects.get(guardian__user=parent).child
            assert child.municipality == municipality
    slug = municipalities[1].slug
    for username in (
        f"{slug}-forvaltning",
        f"{slug}-korpsleder",
        f"{slug}-paedagog-0",
        f"{slug}-leder-0",
        f"{slug}-personale-0",
        f"{slug}-psykolog",
        f"{slug}-talekonsulent",
        f"{slug}-foraelder-0",
    ):
        assert authenticate(username=username, password="inklusio-bench") is not None, username
    assert authenticate(username=f"{slug}-forvaltning", password="wrong") is None

    # Staff sign in with an authenticator, as production asks; parents need none.
    for user in User.objects.all():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if user.role == Role.GUARDIAN:
            assert devices == [], user.username
        else:
            assert len(devices) == 1, user.username
            # Its code is the one the app would show: the benchmark enters it at sign-in.
            assert devices[0].verify_token(f"{TOTP(devices[0].bin_key).token():06d}")
    keys = TOTPDevice.objects.values_list("key", flat=True)
    assert len(set(keys)) == len(keys)


@pytest.mark.django_db
def test_the_larger_municipality_gets_more_and_every_part_of_the_domain_is_filled():
    report = _generate()

    small, large = Municipality.objects.order_by("slug")
    assert (
        Child.objects.filter(municipality=large).count()
        > Child.objects.filter(municipality=small).count()
    )
    assert Child.objects.count() >= 50  # 60 asked for, rounded down per municipality
    for model in (Referral, Decision, Course, ActionPlan, PlanMeeting, ConsultativeMeeting):
        assert model.objects.filter(municipality=small).exists(), model
        assert model.objects.filter(municipality=large).exists(), model
    assert Session.objects.count() == 4 * Course.objects.count()
    # A published plan for this week with every pedagogue's ten half-days.
    this_week = WeeklyPlan.objects.filter(municipality=large, status="published").first()
    pedagogues = User.objects.filter(municipality=large, role=Role.PEDAGOGUE).count()
    assert PlanSlot.objects.filter(plan=this_week).count() == 10 * pedagogues
    assert "users pedagogue" in report
    assert_open_accounts_have_their_own_emails()


@pytest.mark.django_db
def test_the_audit_rows_are_sealed_into_each_municipalitys_chain():
    _generate()

    assert AuditEntry.objects.count() == 400
    assert AuditEntryChild.objects.exists()
    report = verify_chains()
    assert report.problems == []
    municipality_ids = set(Municipality.objects.values_list("pk", flat=True))
    assert set(report.chains) == municipality_ids
    assert sum(chain.entries for chain in report.chains.values()) == 400
    # The application continues the chain after the seeded rows.
    user = User.objects.get(username="k0-forvaltning")
    audit_sign_in(user=user, action=AuditAction.LOGIN)
    assert verify_chains().problems == []


@pytest.mark.django_db
def test_a_database_with_data_is_refused():
    Municipality.objects.create(name="Ishøj", slug="ishoj")

    with pytest.raises(CommandError, match="empty database"):
        _generate()
    assert not User.objects.exists()
