"""The access log is kept for its own period, then its oldest entries go as a whole prefix of
each municipality's chain, recorded so that `audit_verify` stays clean (docs/retention.md)."""

import datetime
import io

import pytest
from django.core.management import call_command

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild, AuditPurge
from inklusio.audit.services import audit_record
from inklusio.audit.verify import verify_chains
from tests.conftest import TODAY
from tests.retention.test_retention import on

pytestmark = pytest.mark.django_db

SIX_YEARS_AGO = TODAY - datetime.timedelta(days=6 * 365)


def _reads(cast, user, count, child=None):
    child = child or cast.mia
    return [
        audit_record(actor=user, action=AuditAction.READ, obj=child, child=child).pk
        for _ in range(count)
    ]


def test_entries_past_the_period_go_as_a_prefix_and_the_seals_still_verify(cast):
    """Dragør's chain starts six years ago (the cast writes none of its entries)."""
    with on(SIX_YEARS_AGO):
        old = _reads(cast, cast.dora, 3, child=cast.xenia)
    recent = _reads(cast, cast.dora, 2, child=cast.xenia)
    ishoj = set(AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).values_list("pk"))
    assert verify_chains().problems == []

    dry = io.StringIO()
    call_command("retention_purge_audit", "--dry-run", stdout=dry)
    assert "dragoer: 3 entries" in dry.getvalue()
    assert AuditEntry.objects.filter(pk__in=old).count() == 3

    call_command("retention_purge_audit", stdout=io.StringIO())

    assert not AuditEntry.objects.filter(pk__in=old).exists()
    assert not AuditEntryChild.objects.filter(entry_id__in=old).exists()
    assert AuditEntry.objects.filter(pk__in=recent).count() == 2
    assert set(AuditEntry.objects.filter(municipality_id=cast.ishoj.pk).values_list("pk")) == ishoj
    purge = AuditPurge.objects.get(municipality_id=cast.dragoer.pk)
    assert (purge.up_to_id, purge.entries) == (max(old), 3)
    assert verify_chains().problems == []


def test_an_old_entry_after_a_recent_one_is_kept_so_the_chain_has_no_hole(cast):
    """Only a prefix goes: an entry stamped long ago but written after one inside the period
    stays, as does everything after it."""
    recent = _reads(cast, cast.alice, 1)
    with on(SIX_YEARS_AGO):
        late_old = _reads(cast, cast.alice, 1)
    call_command("retention_purge_audit", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk__in=recent + late_old).count() == 2
    assert verify_chains().problems == []


def test_the_municipality_s_period_decides(cast):
    from inklusio.retention import selectors, services

    services.retention_policy_update(
        actor=cast.alice,
        data={"audit_log_months": 120},
        expected_version=selectors.policy_for(cast.alice).version,
    )
    with on(SIX_YEARS_AGO):
        old = _reads(cast, cast.alice, 2)
    call_command("retention_purge_audit", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk__in=old).count() == 2
