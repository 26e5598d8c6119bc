"""Action-plan pages: thin views over inklusio.access, selectors and services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, audit_shown, children_in_forms
from inklusio.core.errors import DomainError
from inklusio.core.forms import save_form, show_refusal
from inklusio.core.http import ICS, PDF, AuthenticatedHttpRequest, file_response, public_id_in
from inklusio.core.listing import Listing
from inklusio.core.pdf import render_pdf
from inklusio.organisation.selectors import institutions_to_filter_by
from inklusio.partners.sections import invitation_section
from inklusio.planning.calendar import single_event_ics
from inklusio.planning.selectors import calendar_feed_of
from inklusio.plans import rules, selectors, services
from inklusio.plans.calendar_events import meeting_event
from inklusio.plans.forms import (
    PLAN_COLUMNS,
    AcknowledgeForm,
    AdjustmentForm,
    AgreementForm,
    AgreementFormSet,
    CloseForm,
    GoalForm,
    GoalFormSet,
    GoalStatusForm,
    HoldForm,
    MeetingForm,
    PlanFilterForm,
    PlanForm,
    ReasonForm,
    ResolveForm,
    filled,
)
from inklusio.plans.models import ActionPlan, Goal, GoalBankEntry, PlanMeeting

# A held meeting's note, and at a follow-up a status form for each current goal.
HoldForms = tuple[HoldForm, list[tuple[Goal, GoalStatusForm]]]


def _attempt(
    request: AuthenticatedHttpRequest,
    form: BaseForm,
    save: Callable[[], Any],
    success: str,
    then: PlanMeeting | None = None,
) -> HttpResponse | None:
    """Run a service call for a posted form: a redirect (to `then`, else to what the service
    returned) with `success`, or None with the service's refusal above the form."""
    try:
        result = save()
    except DomainError as error:
        show_refusal(form, error)
        return None
    messages.success(request, success)
    return redirect(then if then is not None else result)


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_plans(request.user):
        raise Http404
    form = PlanFilterForm(
        request.GET,
        institutions=institutions_to_filter_by(request.user, access.plans_visible_to(request.user)),
        user=request.user,
        offers_own=access.follows_up_plans(request.user),
    )
    listing = Listing(request, form=form, columns=PLAN_COLUMNS, default_sort="created")
    # The notices above the list name plans too, whatever the list's filter or page shows.
    waiting = selectors.waiting_acknowledgements(request.user)
    objected = selectors.objected_plans(request.user)
    noticed = [meeting.plan.child for meeting in waiting] + [plan.child for plan in objected]
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": selectors.plans_for(request.user, listing=listing, also_shown=noticed),
            "listing": listing,
            "can_create": access.can_create_plans(request.user),
            "can_read_bank": access.can_read_goal_bank(request.user),
            "waiting": waiting,
            "objected": objected,
            "feed": calendar_feed_of(request.user),
        },
    )


def _bank_choice(request: AuthenticatedHttpRequest) -> list[GoalBankEntry]:
    """The goal bank entries chosen to start from (`?maal=…`, on the opened form only)."""
    if request.method != "GET":
        return []
    return selectors.goal_bank_chosen(request.user, request.GET.getlist("maal"))


def _bank_context(
    request: AuthenticatedHttpRequest, chosen: Sequence[GoalBankEntry]
) -> dict[str, Any]:
    """The "start from the goal bank" picker above the plan form."""
    if request.method != "GET" or not access.can_read_goal_bank(request.user):
        return {}
    return {
        "bank_entries": selectors.goal_bank_for(request.user, active_only=True),
        "bank_chosen": {str(entry.public_id) for entry in chosen},
        "bank_keep": [
            (name, request.GET[name]) for name in ("barn", "forloeb") if request.GET.get(name)
        ],
    }


def _with_bank_strategies(strategies: str, chosen: Sequence[GoalBankEntry]) -> str:
    """The plan's strategies with those of the chosen bank entries added as copied text."""
    parts = [strategies.strip()] if strategies.strip() else []
    parts += [entry.strategies.strip() for entry in chosen if entry.strategies.strip()]
    return "\n\n".join(parts)


def _formsets(
    request: AuthenticatedHttpRequest,
    plan: ActionPlan | None = None,
    chosen: Sequence[GoalBankEntry] = (),
) -> tuple[BaseFormSet[GoalForm], BaseFormSet[AgreementForm]]:
    goals = (
        [
            {"text": g.text, "success_criterion": g.success_criterion}
            for g in plan.goals.filter(dropped=False)
        ]
        if plan
        else []
    )
    # Copied, not linked: the plan's goal is its own text from here on.
    goals += [{"text": e.goal, "success_criterion": e.success_criterion} for e in chosen]
    agreements = (
        [{"text": a.text, "owner": a.owner, "due": a.due} for a in plan.agreements.all()]
        if plan
        else []
    )
    data = request.POST or None
    return GoalFormSet(data, prefix="goals", initial=goals), AgreementFormSet(
        data, prefix="agreements", initial=agreements
    )


def _plan_form(
    request: AuthenticatedHttpRequest,
    plan: ActionPlan | None = None,
    chosen: Sequence[GoalBankEntry] = (),
) -> PlanForm:
    initial = _initial_subject(request) if plan is None else {}
    if chosen:
        initial["strategies"] = _with_bank_strategies(plan.strategies if plan else "", chosen)
    return PlanForm(
        request.POST or None,
        instance=plan,
        initial=initial or None,
        children=access.children_for_new_plans(request.user),
        courses=access.courses_for_new_plans(request.user),
        owners=selectors.owners_for(request.user),
    )


def _initial_subject(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {"owner": request.user.pk}
    if (child_id := public_id_in(request.GET, "barn")) and (
        child := access.children_for_new_plans(request.user).filter(public_id=child_id).first()
    ):
        initial["child"] = child.pk
    if (course_id := public_id_in(request.GET, "forloeb")) and (
        course := access.courses_for_new_plans(request.user).filter(public_id=course_id).first()
    ):
        initial["course"] = course.pk
    return initial


@login_required
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_create_plans(request.user):
        raise Http404
    chosen = _bank_choice(request)
    form = _plan_form(request, chosen=chosen)
    goals, agreements = _formsets(request, chosen=chosen)
    if request.method == "POST" and form.is_valid() and goals.is_valid() and agreements.is_valid():
        created = _attempt(
            request,
            form,
            lambda: services.plan_create(
                actor=request.user,
                data={k: v for k, v in form.cleaned_data.items() if k != "version"},
                goals=filled(goals),
                agreements=filled(agreements),
            ),
            _("Handleplanen er oprettet. Indkald til handleplansmødet."),
        )
        if created:
            return created
    # The child picker shows every child the user may make a plan for.
    audit_shown(
        actor=request.user,
        obj=None,
        object_type="actionplan",
        action=AuditAction.SEARCH,
        children=children_in_forms(form),
    )
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "goals": goals, "agreements": agreements} | _bank_context(request, chosen),
    )


# The conflict summary names a plan's goals and agreements like the form's headings do.
PLAN_ITEM_LABELS = {"goals": gettext_lazy("Mål"), "agreements": gettext_lazy("Aftaler")}


def _goal_rows(plan: ActionPlan, goals: BaseFormSet[GoalForm]) -> list[dict[str, Any]]:
    """The posted goals; one whose text is unchanged keeps its row (and its statuses)."""
    rows = filled(goals)
    for row, goal in zip(rows, plan.goals.filter(dropped=False), strict=False):
        if row["text"] == goal.text:
            row["id"] = goal
    return rows


def _plan_save(
    request: AuthenticatedHttpRequest,
    plan: ActionPlan,
    form: PlanForm,
    goals: BaseFormSet[GoalForm],
    agreements: BaseFormSet[AgreementForm],
) -> HttpResponse | None:
    """The posted plan as a new version: a redirect, or None with the refusal (or the edit
    conflict) on the form and everything typed kept."""
    if not save_form(
        form,
        services.plan_update,
        PLAN_ITEM_LABELS,
        actor=request.user,
        plan=plan,
        goals=_goal_rows(plan, goals),
        agreements=filled(agreements),
        reason=form.cleaned_data.get("reason", ""),
    ):
        return None
    messages.success(request, _("Ændringerne er gemt som en ny version af planen."))
    return redirect(plan)


@login_required
def plan_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_manage_plan(request.user, plan):
        raise Http404
    chosen = _bank_choice(request)
    form = _plan_form(request, plan, chosen)
    goals, agreements = _formsets(request, plan, chosen)
    valid = form.is_valid() and goals.is_valid() and agreements.is_valid()
    if (
        request.method == "POST"
        and valid
        and (saved := _plan_save(request, plan, form, goals, agreements))
    ):
        return saved
    # The plan's form shows the child's plan whether opened or re-rendered with errors.
    audit_shown(actor=request.user, obj=plan, children=[plan.child, *children_in_forms(form)])
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "goals": goals, "agreements": agreements, "plan": plan}
        | _bank_context(request, chosen),
    )


@login_required
def plan_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id)
    can_manage = access.can_manage_plan(request.user, plan)
    latest = plan.goals.prefetch_related("statuses__meeting")
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "goals": latest,
            **selectors.plan_page(plan),
            "versions": selectors.versions(plan),
            "can_manage": can_manage,
            "can_reopen": access.can_reopen_plan(request.user, plan),
            "objections": selectors.open_objections(plan),
            "can_propose": access.can_propose_adjustment(request.user, plan),
            "partner_section": invitation_section(request.user, plan),
        },
    )


@login_required
def plan_versions(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    versions = list(selectors.versions(plan))
    by_number = {v.number: v for v in versions}
    try:
        newer = by_number[int(request.GET.get("til", versions[-1].number))]
        older = by_number[int(request.GET.get("fra", max(newer.number - 1, 1)))]
    except (KeyError, ValueError) as missing:
        raise Http404 from missing
    # Logged once the versions asked for exist: a refused address shows nothing.
    audit_record(actor=request.user, action=AuditAction.READ, obj=plan, child=plan.child)
    return render(
        request,
        "plans/versions.html",
        {
            "plan": plan,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": rules.version_changes(older.snapshot, newer.snapshot),
            "labels": rules.field_labels(),
        },
    )


@login_required
def plan_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=plan, child=plan.child)
    pdf = render_pdf(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "version": selectors.latest_version(plan),
            "acknowledgements": selectors.all_acknowledgements(plan),
            "goals": plan.goals.filter(dropped=False).prefetch_related("statuses__meeting"),
            "agreements": plan.agreements.all(),
            "next_follow_up": selectors.next_follow_up(plan),
            "meetings": selectors.meetings_with_status(plan),
        },
    )
    return file_response(pdf, "handleplan.pdf", PDF, download=False)


@login_required
def adjustment_propose(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_propose_adjustment(request.user, plan):
        raise Http404
    form = AdjustmentForm(
        request.POST or None,
        initial={"strategies": plan.strategies, "kind": "add"},
        agreements=plan.agreements.all(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["strategies"] == plan.strategies:
            data["strategies"] = ""
        try:
            services.adjustment_propose(actor=request.user, plan=plan, **data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Forslaget er sendt til planens ansvarlige."))
            return redirect(plan)
    return _plan_form_page(request, plan, form, _("Foreslå en justering"))


@login_required
def adjustment_decide(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: GET shows the plan as the proposal would change it, POST decides."""
    adjustment = selectors.adjustment_for_user(request.user, public_id)
    plan = adjustment.plan
    if not access.can_manage_plan(request.user, plan):
        raise Http404
    if request.method == "POST":
        try:
            services.adjustment_decide(
                actor=request.user, adjustment=adjustment, accept=request.POST.get("accept") == "1"
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("adjustment-decide", public_id=adjustment.public_id)
        messages.success(request, _("Forslaget er behandlet."))
        return redirect(plan)
    audit_shown(actor=request.user, obj=plan, children=[plan.child])
    return render(
        request,
        "plans/adjustment_decide.html",
        {
            "plan": plan,
            "adjustment": adjustment,
            "changes": selectors.adjustment_changes(plan, adjustment),
            "labels": rules.field_labels(),
        },
    )


def _next_meeting(plan: ActionPlan) -> dict[str, Any]:
    """The first meeting agrees the plan; after that, follow-ups on the plan's rhythm."""
    if plan.meetings.filter(held=True).exists():
        return {"kind": PlanMeeting.Kind.FOLLOW_UP, "date": selectors.next_follow_up(plan)}
    return {"kind": PlanMeeting.Kind.INITIAL, "date": None}


@login_required
def meeting_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_manage_plan(request.user, plan):
        raise Http404
    form = MeetingForm(
        request.POST or None,
        people=selectors.people_for_meetings(plan),
        initial=_next_meeting(plan),
    )
    if request.method == "POST" and form.is_valid():
        scheduled = _attempt(
            request,
            form,
            lambda: services.plan_meeting_schedule(
                actor=request.user, plan=plan, **form.cleaned_data
            ),
            _("Mødet er indkaldt."),
        )
        if scheduled:
            return scheduled
    return _plan_form_page(request, plan, form, _("Indkald til møde"))


def _hold_forms(request: AuthenticatedHttpRequest, meeting: PlanMeeting) -> HoldForms:
    """The meeting's note, and at a follow-up a status form for each current goal."""
    goals = (
        list(meeting.plan.goals.filter(dropped=False))
        if meeting.kind == PlanMeeting.Kind.FOLLOW_UP
        else []
    )
    status_forms = [
        (goal, GoalStatusForm(request.POST or None, prefix=f"goal-{goal.pk}")) for goal in goals
    ]
    return HoldForm(request.POST or None), status_forms


def _hold(
    request: AuthenticatedHttpRequest,
    meeting: PlanMeeting,
    hold_form: HoldForm,
    status_forms: list[tuple[Goal, GoalStatusForm]],
) -> HttpResponse | None:
    if not (hold_form.is_valid() and all(form.is_valid() for _goal, form in status_forms)):
        hold_form.add_error(None, _("Giv hvert mål en status."))
        return None
    statuses = {
        goal.pk: (form.cleaned_data["status"], form.cleaned_data["note"])
        for goal, form in status_forms
    }
    return _attempt(
        request,
        hold_form,
        lambda: services.plan_meeting_hold(
            actor=request.user,
            meeting=meeting,
            note=hold_form.cleaned_data["note"],
            goal_statuses=statuses,
        ),
        _("Mødet er registreret. Deltagerne bedes kvittere for aftalerne."),
        then=meeting,
    )


def _acknowledge(
    request: AuthenticatedHttpRequest, meeting: PlanMeeting, form: AcknowledgeForm
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    return _attempt(
        request,
        form,
        lambda: services.plan_meeting_acknowledge(
            actor=request.user, meeting=meeting, **form.cleaned_data
        ),
        _("Tak – dit svar er registreret."),
        then=meeting,
    )


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: PlanMeeting,
    can_manage: bool,
    hold_forms: HoldForms,
    acknowledge_form: AcknowledgeForm,
) -> HttpResponse:
    # The meeting is about the plan's child (its agenda is the plan): logged as rendered, also
    # for a partner invited to this meeting alone (issue 18.3).
    audit_shown(actor=request.user, obj=meeting, children=[meeting.plan.child])
    status = selectors.acknowledgement_status(meeting)
    mine = next((row for row in status if row["user"].pk == request.user.pk), None)
    may_acknowledge = mine and not mine["acknowledgement"] and meeting.held
    return render(
        request,
        "plans/meeting_detail.html",
        {
            "meeting": meeting,
            "plan": meeting.plan,
            # A partner invited to this meeting alone does not see the plan's own page.
            "plan_visible": access.can_view_plan(request.user, meeting.plan),
            "status": status,
            "can_manage": can_manage,
            "partner_section": invitation_section(request.user, meeting),
            "hold_form": hold_forms[0],
            "status_forms": hold_forms[1],
            "acknowledge_form": acknowledge_form if may_acknowledge else None,
            "agreed": meeting.agreed_version.snapshot if meeting.agreed_version else None,
            "for_meeting": []
            if meeting.held
            else selectors.adjustments_for_next_meeting(meeting.plan),
        },
    )


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Holding the meeting (the plan's manager) and acknowledging its agreements (those who
    took part) are posted to the meeting's page."""
    meeting = selectors.meeting_for_user(request.user, public_id)
    can_manage = access.can_manage_plan(request.user, meeting.plan)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "hold" and not can_manage:
        raise Http404
    hold_forms = _hold_forms(request, meeting)
    acknowledge_form = AcknowledgeForm(request.POST if action == "acknowledge" else None)
    if action == "hold" and (held := _hold(request, meeting, *hold_forms)):
        return held
    if action == "acknowledge" and (answered := _acknowledge(request, meeting, acknowledge_form)):
        return answered
    return _meeting_page(request, meeting, can_manage, hold_forms, acknowledge_form)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = selectors.meeting_for_user(request.user, public_id)
    return file_response(single_event_ics(meeting_event(meeting)), "moede.ics", ICS)


@login_required
def plan_close(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_manage_plan(request.user, plan):
        raise Http404
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_close(actor=request.user, plan=plan, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Handleplanen er afsluttet."))
            return redirect(plan)
    intro = _(
        "Når planen afsluttes, kan den ikke længere rettes, justeres eller få flere møder. "
        "Den kan genåbnes senere med en begrundelse."
    )
    return _plan_form_page(request, plan, form, _("Afslut handleplanen"), intro)


def _plan_form_page(
    request: AuthenticatedHttpRequest, plan: ActionPlan, form: BaseForm, title: str, intro: str = ""
) -> HttpResponse:
    """A form or confirm page about one plan, opened or shown again with its errors: it names
    the plan (and so the child), a read logged each time it is rendered."""
    audit_shown(actor=request.user, obj=plan, children=[plan.child])
    return render(
        request,
        "plans/simple_form.html",
        {"form": form, "plan": plan, "title": title, "intro": intro},
    )


@login_required
def plan_reopen(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: GET says what reopening does, POST (with the reason) does it."""
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_reopen_plan(request.user, plan):
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reopened = _attempt(
            request,
            form,
            lambda: services.plan_reopen(
                actor=request.user, plan=plan, reason=form.cleaned_data["reason"]
            ),
            _("Handleplanen er genåbnet som en ny version."),
        )
        if reopened:
            return reopened
    intro = _(
        "Planen bliver aftalt igen og får en ny version med din begrundelse. Evalueringen "
        "bevares i historikken; når planen afsluttes igen, skrives en ny."
    )
    return _plan_form_page(request, plan, form, _("Genåbn handleplanen"), intro)


@login_required
def plan_resolve(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The owner answers an objection with a note (or edits the plan into a new version)."""
    plan = selectors.plan_for_user(request.user, public_id, log=False)
    if not access.can_manage_plan(request.user, plan):
        raise Http404
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resolved = _attempt(
            request,
            form,
            lambda: services.plan_objection_resolve(
                actor=request.user, plan=plan, note=form.cleaned_data["note"]
            ),
            _("Indsigelsen er afklaret. Planen er aftalt igen."),
        )
        if resolved:
            return resolved
    audit_shown(actor=request.user, obj=plan, children=[plan.child])
    return render(
        request,
        "plans/resolve.html",
        {"form": form, "plan": plan, "objections": selectors.open_objections(plan)},
    )
