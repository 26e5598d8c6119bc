"""Consultative meeting pages: thin views over inklusio.access, selectors and services."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.services import audit_shown, children_in_forms
from inklusio.children.selectors import child_for_user
from inklusio.core.errors import DomainError, OutdatedSave
from inklusio.core.forms import show_outdated_save, show_refusal
from inklusio.core.http import ICS, AuthenticatedHttpRequest, file_response
from inklusio.core.listing import Listing
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.meetings import selectors, services
from inklusio.meetings.calendar_events import meeting_event
from inklusio.meetings.forms import (
    MEETING_COLUMNS,
    ConsentForm,
    ItemForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    RecommendationForm,
)
from inklusio.meetings.models import (
    AgendaItem,
    ConsultativeMeeting,
    DiscussionConsent,
    MinutesVersion,
)
from inklusio.organisation.selectors import institutions_to_filter_by
from inklusio.partners.sections import invitation_section
from inklusio.people.models import Role, User
from inklusio.planning.calendar import single_event_ics
from inklusio.plans import services as plan_services
from inklusio.plans.models import ActionPlan


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_consultative_meetings(request.user):
        raise Http404
    listing = Listing(
        request,
        form=MeetingFilterForm(
            request.GET,
            institutions=institutions_to_filter_by(
                request.user, access.consultative_meetings_visible_to(request.user)
            ),
        ),
        columns=MEETING_COLUMNS,
        default_sort="date",
    )
    meetings = listing.paginate(selectors.consultative_meetings_for(request.user))
    can_arrange = access.can_arrange_consultative_meeting(request.user)
    form = MeetingForm(
        request.POST or None,
        institutions=access.institutions_for_consultative_meetings(request.user),
        partners=selectors.partners(request.user),
    )
    if request.method == "POST":
        if not can_arrange:
            raise Http404
        if form.is_valid():
            try:
                meeting = services.consultative_meeting_create(
                    actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Mødet er oprettet. Sæt punkter på dagsordenen."))
                return redirect(meeting)
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "listing": listing, "form": form if can_arrange else None},
    )


def _meeting_forms(
    request: AuthenticatedHttpRequest,
    meeting: ConsultativeMeeting,
    current_minutes: MinutesVersion | None,
) -> tuple[ItemForm, MinutesForm]:
    """The agenda-item form (children of the institution the user may see) and the minutes
    form (starting from the current minutes), each bound only when it was the one posted."""
    action = request.POST.get("action")
    item_form = ItemForm(
        request.POST if action == "item" else None,
        children=access.children_visible_to(request.user)
        .filter(institution=meeting.institution)
        .in_daycare(),
    )
    minutes_form = MinutesForm(
        request.POST if action == "minutes" else None,
        initial={"minutes": current_minutes.text if current_minutes else ""},
        version=current_minutes.number if current_minutes else 0,
    )
    return item_form, minutes_form


def _meeting_post(
    request: AuthenticatedHttpRequest,
    meeting: ConsultativeMeeting,
    item_form: ItemForm,
    minutes_form: MinutesForm,
) -> HttpResponse | None:
    """The arranger's agenda item or minutes: a redirect when saved, else None."""
    posted: dict[str | None, tuple[forms.BaseForm, Callable[..., object], str]] = {
        "item": (item_form, services.agenda_item_add, _("Punktet er sat på dagsordenen.")),
        "minutes": (
            minutes_form,
            services.consultative_minutes_save,
            _("Referatet er gemt som en ny version."),
        ),
    }
    if (chosen := posted.get(request.POST.get("action"))) is None:
        return None
    form, service, done = chosen
    if form.is_valid() and _saved(form, service, request.user, meeting):
        messages.success(request, done)
        return redirect(meeting)
    return None


def _agenda_with_plans(user: User, items: list[AgendaItem]) -> list[dict[str, Any]]:
    """Each agenda item with its child's action plan in force, where the user may see it."""
    plans = {
        plan.child_id: plan
        for plan in access.plans_visible_to(user).filter(
            child__in=[i.child_id for i in items if i.child_id], status__in=ActionPlan.IN_FORCE
        )
    }
    return [{"item": item, "plan": plans.get(item.child_id)} for item in items]


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.consultative_meeting_for_user(request.user, public_id, log=False)
    can_arrange = access.can_arrange_consultative_meeting(request.user, meeting)
    current_minutes = meeting.current_minutes
    item_form, minutes_form = _meeting_forms(request, meeting, current_minutes)
    if request.method == "POST":
        if not can_arrange:  # the agenda and the minutes are the arranger's
            raise Http404
        if saved := _meeting_post(request, meeting, item_form, minutes_form):
            return saved
    items = selectors.agenda_for(request.user, meeting)
    # Logged as rendered, opened or re-rendered with a refused form: the agenda's children and
    # those the item form's picker offers.
    selectors.consultative_meeting_read_log(
        request.user, meeting, items, also=children_in_forms(item_form) if can_arrange else ()
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "items": _agenda_with_plans(request.user, items),
            "advice": selectors.advice_for(meeting, items),
            "hidden_items": selectors.hidden_items(meeting, items),
            "item_form": item_form,
            "minutes_form": minutes_form,
            "minutes": current_minutes,
            "minutes_versions": meeting.minutes_versions.select_related("author"),
            "recommendation_form": RecommendationForm(),
            "can_arrange": can_arrange,
            "partner_section": invitation_section(request.user, meeting),
        },
    )


def _saved(
    form: forms.BaseForm,
    service: Callable[..., object],
    actor: User,
    meeting: ConsultativeMeeting,
) -> bool:
    """Run a meeting service with the form's data; a broken rule goes back onto the form."""
    try:
        service(actor=actor, meeting=meeting, **form.cleaned_data)
    except OutdatedSave as outdated:
        show_outdated_save(form, outdated)
        return False
    except DomainError as error:
        show_refusal(form, error)
        return False
    return True


@login_required
@require_POST
def recommendation_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    item = selectors.item_for_user(request.user, public_id)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        services.recommendation_add(actor=request.user, item=item, text=form.cleaned_data["text"])
        messages.success(request, _("Anbefalingen er gemt."))
    else:
        messages.error(request, _("Skriv anbefalingen."))
    return redirect(item.meeting)


@login_required
@require_POST
def recommendation_to_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """One action: the recommendation becomes a change in the child's plan (accepted at once by
    the plan's owner, otherwise proposed to them)."""
    recommendation = selectors.recommendation_for_user(request.user, public_id)
    plan = (
        access.plans_visible_to(request.user)
        .filter(child=recommendation.item.child, status__in=ActionPlan.IN_FORCE)
        .first()
    )
    if plan is None or not access.can_propose_adjustment(request.user, plan):
        raise Http404
    adjustment = plan_services.adjustment_propose(
        actor=request.user,
        plan=plan,
        reason=_("Anbefaling fra konsultativt møde %(day)s")
        % {"day": short_date(recommendation.item.meeting.date)},
        agreement_text=recommendation.text[:300],
        agreement_owner=_("Stuens personale"),
        source_recommendation=recommendation,
    )
    if access.can_manage_plan(request.user, plan):
        plan_services.adjustment_decide(actor=request.user, adjustment=adjustment, accept=True)
        messages.success(request, _("Anbefalingen er føjet til handleplanen som en ny aftale."))
    else:
        messages.success(request, _("Anbefalingen er foreslået som en ændring af handleplanen."))
    return redirect(recommendation.item.meeting)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.consultative_meeting_for_user(request.user, public_id, log=False)
    return file_response(single_event_ics(meeting_event(meeting)), "konsultativt-moede.ics", ICS)


@login_required
def consents(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for_user(request.user, public_id, log=False)
    if not access.can_record_consent(request.user, child):
        raise Http404
    form = ConsentForm(
        request.POST or None,
        child=child,
        # Only the referrals the recorder may see are offered (a pedagogue sees none).
        referrals=access.referrals_visible_to(request.user),
        initial={"scope": "discussion"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, child=child, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Samtykket er registreret."))
            return redirect("consents", public_id=child.public_id)
    audit_shown(actor=request.user, obj=child, children=[child])
    return render(
        request,
        "meetings/consents.html",
        {
            "child": child,
            "form": form,
            "consents": child.discussion_consents.select_related(
                "recorded_by", "withdrawn_by", "partner", "referral"
            ),
        },
    )


def withdrawn_message(consent: DiscussionConsent) -> str:
    """What the withdrawal stopped, in the words of its scope."""
    if consent.scope == DiscussionConsent.Scope.REFERRAL:
        return _("Samtykket er trukket tilbage; indstillingen kan ikke sendes videre på det.")
    if consent.scope == DiscussionConsent.Scope.PARTNER:
        return _("Samtykket er trukket tilbage; samarbejdspartneren har ikke længere adgang.")
    return _("Samtykket er trukket tilbage; barnet er fjernet fra kommende dagsordener.")


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consent = selectors.consent_for_user(request.user, public_id)
    if not access.can_record_consent(request.user, consent.child):
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, withdrawn_message(consent))
    if request.user.role == Role.GUARDIAN:
        return redirect("family-child", public_id=consent.child.public_id)
    return redirect("consents", public_id=consent.child.public_id)
