"""Referrals (with the one write another system needs: a draft), decisions and their letters."""

import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from inklusio import access
from inklusio.api.v1.common import (
    DEFAULT_LIMIT,
    ApiRefusal,
    ErrorOut,
    page_out,
    period_filter,
    require_write,
    single,
)
from inklusio.audit.services import audit_listing, audit_shown
from inklusio.children.models import DifficultyCategory
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response
from inklusio.organisation.models import ResourceGroup
from inklusio.referrals import selectors
from inklusio.referrals.models import Decision, DecisionLetter, Offer, Referral
from inklusio.referrals.services import referral_save

router = Router(tags=["Visitation"])


class ReferralOut(Schema):
    id: UUID
    child: UUID
    institution: UUID
    offer: str
    resource_group: UUID | None
    category: str
    description: str
    tried: str
    consent_by: str
    consent_date: datetime.date | None
    consent_method: str
    status: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    version: int
    updated_at: datetime.datetime | None


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


def _referral(r: Referral, updated: datetime.datetime | None) -> ReferralOut:
    return ReferralOut(
        id=r.public_id,
        child=r.child.public_id,
        institution=r.child.institution.public_id,
        offer=r.offer,
        resource_group=r.resource_group.public_id if r.resource_group is not None else None,
        category=r.category,
        description=r.description,
        tried=r.tried,
        consent_by=r.consent_by,
        consent_date=r.consent_date,
        consent_method=r.consent_method,
        status=r.status,
        created_at=r.created_at,
        submitted_at=r.submitted_at,
        version=r.version,
        updated_at=updated,
    )


@router.get("/referrals", response=ReferralPage)
def list_referrals(
    request: AuthenticatedHttpRequest,
    status: Literal["draft", "submitted", "decided"] | None = None,
    institution: UUID | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Referrals the caller may see; `period_from`/`period_to` on the day they were made."""
    referrals = access.referrals_visible_to(request.user).select_related(
        "child__institution", "resource_group"
    )
    if status:
        referrals = referrals.filter(status=status)
    if institution is not None:
        referrals = referrals.filter(child__institution__public_id=institution)
    referrals = period_filter(referrals, "created_at__date", period_from, period_to)
    rows, page = page_out(
        referrals, cursor=cursor, limit=limit, since=changed_since, render=_referral
    )
    audit_listing(
        actor=request.user,
        object_type="referral",
        search_term="api: indstillinger",
        children=[r.child for r in rows],
    )
    return page


@router.get("/referrals/{public_id}", response=ReferralOut)
def get_referral(request: AuthenticatedHttpRequest, public_id: UUID) -> ReferralOut:
    return single(selectors.referral_for_user(request.user, public_id), _referral)


class ReferralDraftIn(Schema):
    child: UUID
    offer: Offer
    category: DifficultyCategory
    description: str = Field(min_length=1, max_length=10000)
    tried: str = Field(default="", max_length=10000)
    resource_group: UUID | None = None
    consent_by: str = Field(default="", max_length=200)
    consent_date: datetime.date | None = None
    consent_method: Referral.ConsentMethod | Literal[""] = ""
    duplicate_reason: str = Field(default="", max_length=10000)


@router.post(
    "/referral-drafts",
    response={201: ReferralOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def create_referral_draft(
    request: AuthenticatedHttpRequest, payload: ReferralDraftIn
) -> Status[ReferralOut]:
    """A draft referral, as the referral form saves it (`referral_save`): for a child the
    caller may refer; submitting it stays a step on the page, where the referral is read."""
    require_write(request)
    user = request.user
    child = access.get_visible_or_404(access.children_user_may_refer(user), public_id=payload.child)
    group = None
    if payload.resource_group is not None:
        group = (
            ResourceGroup.objects.in_municipality_of(user)
            .filter(public_id=payload.resource_group)
            .first()
        )
        if group is None:
            raise ApiRefusal(422, _("Ressourcegruppen findes ikke."), "resource_group")
    data = payload.dict(exclude={"child", "resource_group"})
    data["resource_group"] = group
    data["offer"], data["category"] = str(payload.offer.value), str(payload.category.value)
    data["consent_method"] = str(getattr(payload.consent_method, "value", ""))
    referral = referral_save(actor=user, child=child, data=data)
    referral.child = child
    return Status(201, single(referral, _referral))


class DecisionOut(Schema):
    id: UUID
    case_number: str
    child: UUID
    referral: UUID | None
    kind: str
    outcome: str
    offer: str
    category: str
    decided_on: datetime.date
    start: datetime.date | None
    end: datetime.date | None
    ended_on: datetime.date | None
    reassessment_due: datetime.date | None
    resource_group: UUID | None
    updated_at: datetime.datetime | None


class DecisionPage(Schema):
    items: list[DecisionOut]
    next_cursor: str | None


def _decision(d: Decision, updated: datetime.datetime | None) -> DecisionOut:
    return DecisionOut(
        id=d.public_id,
        case_number=d.case_number,
        child=d.child.public_id,
        referral=d.referral.public_id if d.referral is not None else None,
        kind=d.kind,
        outcome=d.outcome,
        offer=d.offer,
        category=d.category,
        decided_on=d.decided_on,
        start=d.start,
        end=d.end,
        ended_on=d.ended_on,
        reassessment_due=d.reassessment_due,
        resource_group=d.resource_group.public_id if d.resource_group is not None else None,
        updated_at=updated,
    )


@router.get("/decisions", response=DecisionPage)
def list_decisions(
    request: AuthenticatedHttpRequest,
    outcome: str | None = None,
    institution: UUID | None = None,
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Decisions the caller may see; `period_from`/`period_to` on the day of the decision."""
    decisions = access.decisions_visible_to(request.user).select_related(
        "child", "referral", "resource_group"
    )
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    if institution is not None:
        decisions = decisions.filter(child__institution__public_id=institution)
    decisions = period_filter(decisions, "decided_on", period_from, period_to)
    rows, page = page_out(
        decisions, cursor=cursor, limit=limit, since=changed_since, render=_decision
    )
    audit_listing(
        actor=request.user,
        object_type="decision",
        search_term="api: afgørelser",
        children=[d.child for d in rows],
    )
    return page


@router.get("/decisions/{public_id}", response=DecisionOut)
def get_decision(request: AuthenticatedHttpRequest, public_id: UUID) -> DecisionOut:
    return single(selectors.decision_for_user(request.user, public_id), _decision)


class LetterOut(Schema):
    id: UUID
    decision: UUID
    child: UUID
    version: int
    created_at: datetime.datetime
    sent_on: datetime.date | None
    sha256: str
    updated_at: datetime.datetime | None


class LetterPage(Schema):
    items: list[LetterOut]
    next_cursor: str | None


def _letter(letter: DecisionLetter, updated: datetime.datetime | None) -> LetterOut:
    return LetterOut(
        id=letter.public_id,
        decision=letter.decision.public_id,
        child=letter.decision.child.public_id,
        version=letter.version,
        created_at=letter.created_at,
        sent_on=letter.sent_on,
        sha256=letter.sha256,
        updated_at=updated,
    )


@router.get("/letters", response=LetterPage)
def list_letters(
    request: AuthenticatedHttpRequest,
    decision: UUID | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    changed_since: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Decision letters as issued (the PDF at `/letters/{id}/pdf`)."""
    letters = (
        DecisionLetter.objects.in_municipality_of(request.user)
        .filter(decision__in=access.decisions_visible_to(request.user))
        .select_related("decision__child")
        .defer("pdf")
    )
    if decision is not None:
        letters = letters.filter(decision__public_id=decision)
    rows, page = page_out(letters, cursor=cursor, limit=limit, since=changed_since, render=_letter)
    audit_shown(
        actor=request.user,
        obj=None,
        object_type="decisionletter",
        children=[letter.decision.child for letter in rows],
    )
    return page


@router.get(
    "/letters/{public_id}/pdf",
    openapi_extra={
        "responses": {
            "200": {
                "description": "Brevet som PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_letter_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The letter's PDF as issued; logged as an export, like the page's download."""
    letter = selectors.letter_for_user(request.user, public_id, log=True)
    return file_response(letter.pdf, f"afgoerelse-v{letter.version}.pdf", PDF, download=True)
