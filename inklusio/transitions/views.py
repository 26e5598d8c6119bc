"""Handover pages: thin views over inklusio.access, the selectors and the services."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.children.selectors import child_for_user
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response
from inklusio.core.pdf import render_pdf
from inklusio.organisation.models import Institution
from inklusio.transitions import selectors, services
from inklusio.transitions.forms import HandoverForm, HandoverMeetingForm, ShareForm
from inklusio.transitions.models import Handover
from inklusio.transitions.rules import consent_in_force


@login_required
def handover_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_transitions(request.user):
        raise Http404
    handovers = list(selectors.handovers_for(request.user)[:200])
    starters = selectors.school_starters(request.user)
    audit_shown(
        actor=request.user,
        obj=None,
        object_type="handover",
        children=[*(h.child for h in handovers), *(row["child"] for row in starters)],
    )
    return render(
        request,
        "transitions/handover_list.html",
        {
            "handovers": handovers,
            "starters": starters,
            "can_create": access.can_create_handovers(request.user),
        },
    )


@login_required
def handover_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for_user(request.user, public_id, log=False)
    if not access.can_create_handover(request.user, child):
        raise Http404
    kind = request.GET.get("kind")
    form = HandoverForm(
        request.POST or None,
        initial={"kind": kind if kind in Handover.Kind.values else Handover.Kind.INSTITUTION},
        institutions=Institution.objects.in_municipality_of(request.user).exclude(
            pk=child.institution_id
        ),
        receivers=selectors.receivers_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_create(
                actor=request.user, child=child, **form.cleaned_data
            )
        except services.HandoverRuleBroken as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request, _("Overgangen er oprettet. Del den, når forældrene har givet samtykke.")
            )
            return redirect(handover)
    audit_shown(actor=request.user, obj=child, children=[child])
    return render(request, "transitions/handover_form.html", {"child": child, "form": form})


def _detail(
    request: AuthenticatedHttpRequest,
    handover: Handover,
    *,
    share_form: ShareForm | None = None,
    meeting_form: HandoverMeetingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The handover page, opened or re-rendered with a refused form; logged as rendered."""
    can_manage = access.can_manage_handover(request.user, handover)
    if share_form is None and can_manage and handover.shared_on is None:
        share_form = ShareForm(consents=selectors.consents_for(handover))
    audit_shown(actor=request.user, obj=handover, children=[handover.child])
    return render(
        request,
        "transitions/handover_detail.html",
        {
            "handover": handover,
            "child": handover.child,
            "can_manage": can_manage,
            "can_see_child": access.can_view_child(request.user, handover.child),
            "consent_ok": handover.consent_id is not None and consent_in_force(handover),
            "share_form": share_form if can_manage and handover.shared_on is None else None,
            "meeting_form": meeting_form or HandoverMeetingForm(),
            "meetings": handover.meetings.select_related("recorded_by"),
        },
        status=status,
    )


@login_required
def handover_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, selectors.handover_for_user(request.user, public_id))


@login_required
@require_POST
def handover_share(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    handover = selectors.handover_for_user(request.user, public_id)
    if not access.can_manage_handover(request.user, handover):
        raise Http404
    form = ShareForm(request.POST, consents=selectors.consents_for(handover))
    if form.is_valid():
        try:
            services.handover_share(
                actor=request.user, handover=handover, consent=form.cleaned_data["consent"]
            )
        except services.HandoverRuleBroken as error:
            if error.field is None:  # already shared or ended: nothing to correct on the form
                messages.error(request, str(error))
                return redirect(handover)
            form.add_error("consent", str(error))
        else:
            messages.success(request, _("Overgangen er delt med modtageren."))
            return redirect(handover)
    return _detail(request, handover, share_form=form)


@login_required
@require_POST
def handover_meeting(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    handover = selectors.handover_for_user(request.user, public_id)
    if not access.can_record_handover_meeting(request.user, handover):
        raise Http404
    form = HandoverMeetingForm(request.POST)
    if form.is_valid():
        try:
            services.handover_meeting_record(
                actor=request.user, handover=handover, **form.cleaned_data
            )
        except services.HandoverRuleBroken as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Overgangsmødet er registreret."))
            return redirect(handover)
    return _detail(request, handover, meeting_form=form)


@login_required
def handover_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The packet, rendered where it is downloaded; its read logged once."""
    handover = selectors.handover_for_user(request.user, public_id)
    plan = selectors.current_plan(handover)
    pdf = render_pdf(
        "transitions/handover_pdf.html",
        {
            "handover": handover,
            "child": handover.child,
            "plan": plan,
            "goals": [g for g in plan.goals.all() if not g.dropped] if plan else [],
            "agreements": plan.agreements.all() if plan else [],
            "meetings": handover.meetings.all(),
            "sender": handover.child.institution,
        },
    )
    audit_shown(actor=request.user, obj=handover, children=[handover.child])
    return file_response(pdf, "overgang.pdf", PDF, download=False)
