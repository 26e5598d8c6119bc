"""Reads of referrals and decisions, scoped by inklusio.access and logged when they show a child."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_listing, audit_record
from inklusio.children.models import Child
from inklusio.organisation.models import ResourceGroup
from inklusio.people.models import User
from inklusio.referrals.models import (
    CommitteeMeeting,
    Decision,
    DecisionLetter,
    Offer,
    Referral,
    VisitationPeriod,
)
from inklusio.referrals.services import current_grants, group_places_used, support_places_used


def referral_for_user(user: User, public_id, *, log: bool = True) -> Referral:
    referral = access.get_visible_or_404(
        access.referrals_visible_to(user).select_related(
            "child__institution", "referred_by", "resource_group"
        ),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=referral, child=referral.child)
    return referral


OPEN_STATUSES = (Referral.Status.DRAFT, Referral.Status.SUBMITTED)


def referrals_list_for(user: User, *, status: str = "open") -> list[Referral]:
    """Open referrals by default (drafts and those waiting for the committee), else one status
    or all ("")."""
    referrals = access.referrals_visible_to(user).select_related(
        "child__institution", "referred_by"
    )
    if status == "open":
        referrals = referrals.filter(status__in=OPEN_STATUSES)
    elif status:
        referrals = referrals.filter(status=status)
    rows = list(referrals[:300])
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="referral",
        search_term=f"indstillinger {status or '(alle)'}",
        changes={"results": [str(r.child.public_id) for r in rows]},
    )
    return rows


def decision_for_user(user: User, public_id, *, log: bool = True) -> Decision:
    decision = access.get_visible_or_404(
        access.decisions_visible_to(user).select_related(
            "child__institution",
            "legal_basis",
            "referral",
            "period",
            "resource_group",
            "decided_by",
            "contact_person",
        ),
        public_id=public_id,
    )
    if log:
        audit_record(actor=user, action=AuditAction.READ, obj=decision, child=decision.child)
    return decision


def letter_for_user(user: User, public_id) -> DecisionLetter:
    """A decision letter reaches whoever may see its decision (the guardians included)."""
    return access.get_visible_or_404(
        DecisionLetter.objects.filter(
            decision__in=access.decisions_visible_to(user)
        ).select_related("decision__child"),
        public_id=public_id,
    )


def child_case_history(user: User, child: Child) -> dict:
    """Everything of the visitation chain the user may see about one child, oldest first."""
    return {
        "referrals": list(
            access.referrals_visible_to(user).filter(child=child).order_by("created_at")
        ),
        "decisions": list(
            access.decisions_visible_to(user)
            .filter(child=child)
            .select_related("legal_basis", "period")
            .order_by("decided_on", "pk")
        ),
    }


def period_capacity(period: VisitationPeriod) -> dict:
    used = support_places_used(period)
    return {"period": period, "used": used, "free": max(0, period.support_places - used)}


def can_refer_child(user: User, child: Child) -> bool:
    return access.children_user_may_refer(user).filter(pk=child.pk).exists()


def submitted_count(user: User) -> int:
    return access.referrals_visible_to(user).filter(status=Referral.Status.SUBMITTED).count()


def periods_with_capacity(user: User) -> list[dict]:
    return [
        period_capacity(p)
        for p in VisitationPeriod.objects.in_municipality_of(user).order_by("-start")
    ]


def all_resource_groups(user: User) -> QuerySet[ResourceGroup]:
    """Every group of the municipality can be referred to; group names are not personal data."""
    return (
        ResourceGroup.objects.in_municipality_of(user)
        .select_related("institution")
        .order_by("name")
    )


def current_period(user: User) -> VisitationPeriod | None:
    today = timezone.localdate()
    return (
        VisitationPeriod.objects.in_municipality_of(user)
        .filter(start__lte=today, end__gte=today)
        .first()
    )


def group_capacity(user: User) -> list[dict]:
    rows = []
    for group in all_resource_groups(user) if access.can_decide(user) else []:
        used = group_places_used(group)
        rows.append({"group": group, "used": used, "free": max(0, group.places - used)})
    return rows


def meetings_for(user: User) -> QuerySet[CommitteeMeeting]:
    if not access.can_decide(user):
        return CommitteeMeeting.objects.none()
    return (
        CommitteeMeeting.objects.in_municipality_of(user)
        .select_related("period")
        .annotate(decision_count=Count("decisions"))
    )


def meeting_for_user(user: User, public_id) -> CommitteeMeeting:
    return access.get_visible_or_404(meetings_for(user), public_id=public_id)


def agenda(user: User, meeting: CommitteeMeeting) -> list[Referral]:
    """Submitted, undecided referrals, oldest first, plus those decided at this meeting."""
    referrals = access.referrals_visible_to(user).filter(
        Q(status=Referral.Status.SUBMITTED) | Q(decisions__meeting=meeting)
    )
    rows = sorted(
        referrals.select_related("child__institution", "resource_group").distinct(),
        # Those still waiting first, oldest first; then those already decided at this meeting.
        key=lambda r: (r.status != Referral.Status.SUBMITTED, r.submitted_at or r.created_at),
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="referral",
        search_term=f"dagsorden {meeting.date:%d.%m.%Y}",
        changes={"results": [str(r.child.public_id) for r in rows]},
    )
    return rows


REASSESSMENT_NOTICE_DAYS = 60


def reassessments(
    user: User, *, within_days: int = REASSESSMENT_NOTICE_DAYS
) -> dict[str, list[Decision]]:
    """Grants whose yearly re-assessment is overdue or due soon (for the committee)."""
    if not access.can_decide(user):
        return {"overdue": [], "upcoming": []}
    today = timezone.localdate()
    grants = (
        current_grants()
        .filter(municipality_id=user.municipality_id, reassessment_due__isnull=False)
        .select_related("child__institution", "resource_group")
        .order_by("reassessment_due")
    )
    horizon = today + datetime.timedelta(days=within_days)
    found = {
        "overdue": list(grants.filter(reassessment_due__lt=today)),
        "upcoming": list(grants.filter(reassessment_due__gte=today, reassessment_due__lte=horizon)),
    }
    children = [d.child for d in found["overdue"] + found["upcoming"]]
    audit_listing(
        actor=user, object_type="decision", search_term="revurderinger", children=children
    )
    return found


def waiting_list(user: User) -> list[Decision]:
    """Granted but not yet placed, ordered by decision date."""
    if not access.can_decide(user):
        return []
    waiting = list(
        current_grants()
        .filter(
            municipality_id=user.municipality_id,
            placed_on__isnull=True,
            offer__in=[Offer.SUPPORT_PEDAGOGUE, Offer.RESOURCE_GROUP_PLACE],
        )
        .select_related("child__institution", "resource_group")
        .order_by("decided_on", "pk")
    )
    audit_listing(
        actor=user,
        object_type="decision",
        search_term="venteliste",
        children=[d.child for d in waiting],
    )
    return waiting


def support_children_on(municipality, week_start: datetime.date) -> QuerySet[Child]:
    """Children with a support-pedagogue grant in force in the week (for corps planning)."""
    week_end = week_start + datetime.timedelta(days=4)
    granted = current_grants(week_start).filter(
        municipality=municipality, offer=Offer.SUPPORT_PEDAGOGUE, start__lte=week_end
    )
    return Child.objects.filter(pk__in=granted.values("child_id"))
