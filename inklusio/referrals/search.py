"""Referrals and decisions in the global search (core/global_search.py): by the child (name part,
whole CPR number by its keyed hash, birth date) or, for a decision, its case number."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.children.selectors import ChildSearch, child_match
from inklusio.core.global_search import SearchGroup, SearchHit, first
from inklusio.people.models import User
from inklusio.referrals.models import Decision, Referral


def _referral_hit(referral: Referral) -> SearchHit:
    sent = referral.submitted_at
    detail = f"{referral.get_status_display()}" + (
        f" · {date_format(sent, 'j.n.Y')}" if sent else ""
    )
    return SearchHit(
        title=f"{referral.child.full_name}: {referral.get_offer_display()}",
        url=referral.get_absolute_url(),
        detail=f"{referral.child.institution} · {detail}",
        child=referral.child,
    )


def _decision_hit(decision: Decision) -> SearchHit:
    return SearchHit(
        title=f"{decision.child.full_name}: {decision.get_outcome_display()}, "
        f"{decision.get_offer_display()}",
        url=decision.get_absolute_url(),
        detail=" · ".join(
            part
            for part in (decision.case_number, date_format(decision.decided_on, "j.n.Y"))
            if part
        ),
        child=decision.child,
    )


def groups(user: User, search: ChildSearch) -> list[SearchGroup]:
    referrals = access.referrals_visible_to(user).filter(child_match(search.terms, path="child__"))
    referral_hits, more_referrals = first(
        referrals.select_related("child__institution").order_by("-created_at", "pk"), _referral_hit
    )
    decisions = access.decisions_visible_to(user).filter(
        child_match(search.terms, path="child__", also=("case_number",))
    )
    decision_hits, more_decisions = first(
        decisions.select_related("child").order_by("-decided_on", "-pk"), _decision_hit
    )
    return [
        SearchGroup("referrals", _("Indstillinger"), referral_hits, more_referrals, order=20),
        SearchGroup("decisions", _("Afgørelser"), decision_hits, more_decisions, order=30),
    ]
