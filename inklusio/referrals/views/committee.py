"""The committee's pages: periods, legal bases, committee meetings and deciding referrals there,
re-assessments due and the granted children not yet started."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.core.forms import show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.referrals import selectors
from inklusio.referrals.errors import CapacityExceeded
from inklusio.referrals.forms import (
    DecisionForm,
    LegalBasisForm,
    MeetingForm,
    PeriodForm,
    WaitingAddForm,
)
from inklusio.referrals.models import CommitteeMeeting, Decision, Referral
from inklusio.referrals.services import committee as services
from inklusio.referrals.services.decisions import decision_record
from inklusio.referrals.views.common import (
    committee_only,
    keep_refused,
    record_step,
)


@login_required
@require_POST
def period_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        keep_refused(request, "period")
        return redirect(reverse("visitation-overview") + "#ny-periode")
    try:
        period = services.period_create(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        keep_refused(request, "period", error)
        return redirect(reverse("visitation-overview") + "#ny-periode")
    messages.success(
        request, _("Visitationsperioden %(label)s er oprettet.") % {"label": period.label}
    )
    return redirect("visitation-overview")


@login_required
@require_POST
def committee_meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        keep_refused(request, "meeting")
        return redirect(reverse("visitation-overview") + "#nyt-moede")
    try:
        meeting = services.committee_meeting_create(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        keep_refused(request, "meeting", error)
        return redirect(reverse("visitation-overview") + "#nyt-moede")
    return redirect(meeting)


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, public_id)
    return render(
        request, "referrals/meeting_detail.html", selectors.meeting_page(request.user, meeting)
    )


def _decision_form(
    request: AuthenticatedHttpRequest, meeting: CommitteeMeeting, referral: Referral
) -> DecisionForm:
    """The decision starts from what was referred, from the meeting's day."""
    return DecisionForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
        initial={
            "offer": referral.offer,
            "resource_group": referral.resource_group_id,
            "start": meeting.date,
        },
    )


@login_required
def meeting_decide(
    request: AuthenticatedHttpRequest, public_id: UUID, referral_id: UUID
) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, public_id)
    referral = selectors.referral_to_decide(request.user, referral_id, log=False)
    form = _decision_form(request, meeting, referral)
    full: list[CapacityExceeded] = []

    def decide(data: dict[str, Any]) -> Decision:
        try:
            return decision_record(
                actor=request.user, child=referral.child, referral=referral, meeting=meeting, **data
            )
        except CapacityExceeded as error:
            full.append(error)
            raise

    done = record_step(
        request, form, decide, _("Afgørelsen er registreret. Udsend brevet til forældrene.")
    )
    if done:
        return done
    audit_shown(actor=request.user, obj=referral, children=[referral.child])
    return render(
        request,
        "referrals/decision_form.html",
        {
            "form": form,
            "meeting": meeting,
            "referral": referral,
            "capacity": selectors.period_capacity(meeting.period),
            "queue_form": _queue_form(request, form) if full else None,
            "title": _("Afgør indstillingen for %(name)s") % {"name": referral.child.full_name},
        },
    )


def _queue_form(request: AuthenticatedHttpRequest, refused: DecisionForm) -> WaitingAddForm:
    """A grant refused for capacity: the waiting list offered for what was asked for."""
    return WaitingAddForm(
        resource_groups=selectors.all_resource_groups(request.user),
        initial={
            key: refused.cleaned_data.get(key) for key in ("offer", "resource_group", "start")
        },
    )


@login_required
def legal_bases(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    form = LegalBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            basis = services.legal_basis_add(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(title)s er tilføjet.") % {"title": basis.title})
            return redirect("visitation-legal-bases")
    bases = selectors.legal_bases_for(request.user)
    return render(request, "referrals/legal_bases.html", {"form": form, "bases": bases})


@login_required
def reassessment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    return render(
        request,
        "referrals/reassessments.html",
        {"reassessments": selectors.reassessments(request.user)},
    )


@login_required
def granted_not_started(request: AuthenticatedHttpRequest) -> HttpResponse:
    committee_only(request.user)
    return render(
        request,
        "referrals/granted_not_started.html",
        {"waiting": selectors.granted_not_started(request.user)},
    )
