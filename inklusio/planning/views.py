from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.core.confirm import confirm_page, confirmed
from inklusio.core.errors import EditConflict, OutdatedSave
from inklusio.core.forms import (
    focus_first_error,
    show_edit_conflict,
    show_outdated_save,
    show_refusal,
)
from inklusio.core.listing import Listing
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.people import services as people_services
from inklusio.people.models import Role
from inklusio.planning import calendar, selectors, services
from inklusio.planning.forms import (
    WEEKLY_PLAN_COLUMNS,
    AbsenceForm,
    AttachmentAddForm,
    AttachmentEndForm,
    ContractForm,
    PlanWeekForm,
    ReplanForm,
    SlotEditForm,
    WeeklyPlanFilterForm,
)
from inklusio.planning.models import WeeklyPlan
from inklusio.planning.problem import in_corps
from inklusio.planning.weights import explained_weights


def _contract_open(request):
    """Open a pedagogue's contract for editing; it is created with the defaults the first time."""
    pedagogue = access.get_visible_or_404(
        selectors.corps_pedagogues(request.user), pk=request.POST.get("pedagogue")
    )
    try:
        contract = services.contract_open(actor=request.user, pedagogue=pedagogue)
    except services.PlanningError as error:
        messages.error(request, str(error))
        return redirect("planning-overview")
    return redirect(contract)


def _plan_week(request, form):
    """Solve the posted week: a redirect to the new plan, or None with the refusal on the form."""
    try:
        plan = services.plan_week(
            actor=request.user,
            week_start=form.cleaned_data["week_start"],
            time_limit_s=form.cleaned_data["time_limit"],
        )
    except services.PlanningError as error:
        show_refusal(form, error)
        return None
    if plan.based_on_id is None:
        messages.success(request, _("Ugeplanen er beregnet."))
    elif plan.edits_dropped:
        messages.success(
            request,
            _(
                "Ugen er beregnet igen. Det forslag, der lå, er erstattet; de halve dage, der "
                "var rettet i hånden, er beholdt, undtagen dem, planen nævner som taget ud."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Ugen er beregnet igen. Det forslag, der lå, er erstattet; de halve dage, der "
                "var rettet i hånden, er beholdt."
            ),
        )
    return redirect(plan)


@login_required
def overview(request):
    if not access.can_view_planning(request.user):
        raise Http404
    if request.method == "POST" and not access.can_manage_planning(request.user):
        raise Http404
    if request.method == "POST" and "contract_for" in request.POST:
        return _contract_open(request)
    form = PlanWeekForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (planned := _plan_week(request, form)):
        return planned
    listing = Listing(
        request,
        form=WeeklyPlanFilterForm(
            request.GET, with_proposals=access.sees_plan_proposals(request.user)
        ),
        columns=WEEKLY_PLAN_COLUMNS,
        default_sort="week",
    )
    return render(
        request,
        "planning/overview.html",
        {
            "form": form,
            "can_manage": access.can_manage_planning(request.user),
            "plans": listing.paginate(access.weekly_plans_visible_to(request.user)),
            "listing": listing,
            "corps": selectors.corps_overview(request.user),
            "offer_feed": request.user.role == Role.PEDAGOGUE,
            "feed": selectors.calendar_feed_of(request.user),
        },
    )


@login_required
def plan_detail(request, public_id):
    return _plan_page(request, selectors.plan_for_user(request.user, public_id))


def _plan_page(
    request, plan: WeeklyPlan, slot_saved_now: str = "", **bound_forms: forms.BaseForm
) -> HttpResponse:
    """The weekly plan's page; a refused form of it comes back bound, with its errors by the
    fields and what was chosen kept (`slot_saved_now`: what a refused half-day edit's half-day
    holds now). The plan shows no child: no read to log, shown or re-rendered."""
    plans_the_corps = access.can_manage_planning(request.user)
    # A replaced plan, or one of a week that is over, is kept as it was.
    can_manage = (
        plans_the_corps and plan.status != WeeklyPlan.Status.REPLACED and not plan.has_ended
    )
    proposal = selectors.proposal_to_replace(request.user, plan) if can_manage else None
    # A published plan with an open proposal is not edited (changes go to the proposal, which
    # the page links to): no re-plan, calculation or half-day edit is offered, as each would be
    # refused. A refused post still comes back with its form and why.
    can_edit = can_manage and proposal is None
    institutions = access.institutions_visible_to(request.user)
    forms = (
        {
            "replan_form": ReplanForm(pedagogues=selectors.corps_pedagogues(request.user)),
            "slot_form": SlotEditForm(
                pedagogues=selectors.corps_pedagogues(request.user),
                institutions=institutions,
                plan=plan,
            ),
            **bound_forms,
        }
        if can_edit
        else {"replan_form": None, "slot_form": None, **(bound_forms if plans_the_corps else {})}
    )
    grids = selectors.plan_grids(request.user, plan)
    return render(
        request,
        "planning/plan_detail.html",
        {
            "plan": plan,
            "grids": grids,
            "days": selectors.week_days(plan),
            "edits_dropped": selectors.edits_dropped(plan),
            "gaps": selectors.plan_gaps(request.user, plan, grids),
            "weights": explained_weights(),
            "can_edit": can_edit,
            # The corps leader is told how to re-plan the visits of a pedagogue who left.
            "can_manage": can_manage,
            # Those who oversee the planning see the whole week and how it was calculated; the
            # rest see their part, and its hours by function are of that part.
            "oversees_week": access.sees_plan_proposals(request.user),
            "warnings": selectors.publish_warnings(plan) if can_manage else [],
            "proposal": proposal,
            **forms,
            "slot_saved_now": slot_saved_now,
        },
    )


def _managed_plan(request, public_id) -> WeeklyPlan:
    plan = selectors.plan_for_user(request.user, public_id)
    if not access.can_manage_planning(request.user):
        raise Http404
    return plan


@login_required
@require_POST
def plan_replan(request, public_id):
    plan = _managed_plan(request, public_id)
    form = ReplanForm(request.POST, pedagogues=selectors.corps_pedagogues(request.user))
    if form.is_valid():
        try:
            revision = services.replan_absence(
                actor=request.user,
                plan=plan,
                pedagogue=form.cleaned_data["pedagogue"],
                slots=form.absent_slots(),
                kind=form.cleaned_data["kind"],
            )
        except services.PlanningError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Fraværet er dækket så godt som muligt; se ændringerne nedenfor.")
            )
            return redirect(revision)
    focus_first_error(form)
    return _plan_page(request, plan, replan_form=form)


@login_required
@require_POST
def plan_slot_edit(request, public_id):
    """A manual edit of one half-day. A refused one comes back on the plan's page with what was
    typed; one made on an outdated plan comes back on the plan that holds the week now, with
    what that half-day holds there, so saving again is deliberate."""
    plan = _managed_plan(request, public_id)
    form = SlotEditForm(
        request.POST,
        pedagogues=selectors.corps_pedagogues(request.user),
        institutions=access.institutions_visible_to(request.user),
        plan=plan,
    )
    saved_now = ""
    if form.is_valid():
        day, half = form.day_half()
        pedagogue = form.cleaned_data["pedagogue"]
        try:
            services.slot_set(
                actor=request.user,
                plan=plan,
                pedagogue=pedagogue,
                day=day,
                half=half,
                institution=form.cleaned_data["institution"],
                function=form.cleaned_data["function"],
                version=form.cleaned_data["version"],
            )
        except OutdatedSave as outdated:
            show_outdated_save(form, outdated)
            plan = selectors.newest_version(request.user, plan)
            saved_now = selectors.slot_saved_now(request.user, plan, pedagogue, day, half)
        except services.PlanningError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Ændringen er gemt og låst, så en ny beregning beholder den.")
            )
            return redirect(plan)
    focus_first_error(form)
    return _plan_page(request, plan, slot_saved_now=saved_now, slot_form=form)


@login_required
def plan_publish(request, public_id):
    """A confirm page: GET says what publishing does, POST with "Bekræft" publishes."""
    plan = _managed_plan(request, public_id)
    error = ""
    if confirmed(request):
        try:
            services.plan_publish(actor=request.user, plan=plan)
        except services.PlanningError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Ugeplanen er offentliggjort."))
            return redirect(plan)
    return confirm_page(
        request,
        title=_("Offentliggør ugeplanen for uge %(week)s") % {"week": plan.week_number},
        button=_("Offentliggør"),
        consequences=selectors.publish_consequences(plan),
        irreversible=_(
            "En offentliggjort plan kan ikke gøres til forslag igen. Ændringer derefter bliver "
            "en ny udgave af ugen, som også skal offentliggøres."
        ),
        back=plan.get_absolute_url(),
        error=error,
        extra={"warnings": selectors.publish_warnings(plan)},
    )


@login_required
@require_POST
def plan_resolve(request, public_id):
    """Solve the week again, keeping every locked (manually edited) slot but those on a
    half-day their pedagogue has since been recorded absent, the centre meeting or a public
    holiday (the plan names them)."""
    plan = _managed_plan(request, public_id)
    try:
        revision = services.plan_week(
            actor=request.user, week_start=plan.week_start, keep_locked_from=plan
        )
    except services.WeekAlreadyProposed as error:
        messages.error(request, str(error))
        return redirect(error.proposal)
    except services.PlanningError as error:
        messages.error(request, str(error))
        return redirect(plan)
    if revision.edits_dropped:
        messages.success(
            request,
            _(
                "Ugeplanen er beregnet igen med de låste halve dage, undtagen dem, planen "
                "nævner som taget ud."
            ),
        )
    else:
        messages.success(request, _("Ugeplanen er beregnet igen med de låste halve dage."))
    return redirect(revision)


def _contract_save(request, contract, form) -> bool:
    """Save the contract form through the service; refusals become form errors, so the typed
    numbers stay on the page."""
    if not form.is_valid():
        return False
    try:
        services.contract_update(
            actor=request.user,
            contract=contract,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as error:
        show_edit_conflict(form, error)
        return False
    except services.PlanningError as error:
        show_refusal(form, error)
        return False
    messages.success(request, _("Kontrakten er gemt."))
    return True


def _absence_save(request, contract, absence_form) -> bool:
    if not absence_form.is_valid():
        return False
    try:
        services.absence_add(
            actor=request.user, pedagogue=contract.pedagogue, data=absence_form.cleaned_data
        )
    except services.PlanningError as error:
        show_refusal(absence_form, error)
        return False
    messages.success(request, _("Fraværet er registreret."))
    return True


# The attachment forms on the contract page post an `action`; the contract and absence forms
# none (the absence form is told by its prefixed fields).
ATTACH, END_ATTACHMENT = "attach", "end-attachment"


def _attach(request, pedagogue, form) -> bool:
    if not form.is_valid():
        return False
    try:
        attachment = people_services.attachment_add(
            actor=request.user, pedagogue=pedagogue, data=form.cleaned_data
        )
    except people_services.AttachmentRefused as error:
        show_refusal(form, error)
        return False
    messages.success(
        request,
        _("%(name)s er knyttet til %(institution)s.")
        % {"name": pedagogue, "institution": attachment.institution},
    )
    return True


def _end_attachment(request, attachment, form) -> str | bool:
    """End the posted attachment: True when done; a refusal that concerns no field (it was
    ended meanwhile) comes back as its message for the section, a field's by the field."""
    if not form.is_valid():
        return False
    try:
        ended = people_services.attachment_end(
            actor=request.user, attachment=attachment, data=form.cleaned_data
        )
    except people_services.AttachmentRefused as error:
        if error.field is None:
            return str(error)
        show_refusal(form, error)
        return False
    values = {"institution": attachment.institution, "day": short_date(ended.ended_on)}
    messages.success(
        request,
        _("Tilknytningen til %(institution)s ophører den %(day)s.") % values
        if ended.ended_on and ended.ended_on > timezone.localdate()
        else _("Tilknytningen til %(institution)s er afsluttet.") % values,
    )
    return True


def _attachment_section(request, pedagogue) -> dict:
    """The "Tilknytninger" section: the lists, and for those who may manage attachments the
    forms, the posted one bound (with its errors and what was typed)."""
    attachments = selectors.attachments_of_pedagogue(request.user, pedagogue)
    section: dict = {
        "attachments": attachments,
        "can_manage_attachments": False,
        "current_rows": [(attachment, None) for attachment in attachments.current],
    }
    if not access.can_manage_attachments(request.user):
        return section
    data = request.POST if request.method == "POST" else None
    action = data.get("action") if data is not None else None
    attach_form = AttachmentAddForm(
        data if action == ATTACH else None,
        institutions=access.institutions_visible_to(request.user),
    )
    posted_end = posted_end_form = None
    if action == END_ATTACHMENT:
        posted_end = selectors.attachment_of_pedagogue(
            request.user, pedagogue, data.get("attachment")
        )
        posted_end_form = AttachmentEndForm(data, attachment=posted_end)
    section.update(
        can_manage_attachments=True,
        attach_form=attach_form,
        # One set to end on a later day has no "Afslut": ending it again is refused.
        current_rows=[
            (
                attachment,
                posted_end_form
                if posted_end is not None and posted_end.pk == attachment.pk
                else AttachmentEndForm(attachment=attachment)
                if attachment.ended_on is None
                else None,
            )
            for attachment in attachments.current
        ],
        posted_end=posted_end,
        posted_end_form=posted_end_form,
    )
    return section


def _attachment_post(request, contract, section) -> bool:
    """Run the posted attachment action: True to redirect back to the page."""
    if request.POST.get("action") == ATTACH:
        form = section["attach_form"]
        if _attach(request, contract.pedagogue, form):
            return True
        focus_first_error(form)
        return False
    attachment, form = section["posted_end"], section["posted_end_form"]
    done = _end_attachment(request, attachment, form)
    if done is True:
        return True
    if isinstance(done, str):
        section["attachment_refusal"] = done
    else:
        focus_first_error(form)
    return False


@login_required
def contract_edit(request, public_id):
    contract = access.get_visible_or_404(
        access.contracts_visible_to(request.user), public_id=public_id
    )
    can_edit = access.can_manage_planning(request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    is_attachment = action in {ATTACH, END_ATTACHMENT}
    if request.method == "POST" and not (
        access.can_manage_attachments(request.user) if is_attachment else can_edit
    ):
        raise Http404
    section = _attachment_section(request, contract.pedagogue)
    if is_attachment and _attachment_post(request, contract, section):
        return redirect(contract.get_absolute_url() + "#tilknytninger")
    is_absence = request.method == "POST" and "absence-kind" in request.POST
    data = request.POST if request.method == "POST" and not is_attachment else None
    form = ContractForm(None if is_absence else data, instance=contract) if can_edit else None
    absence_form = AbsenceForm(data if is_absence else None, prefix="absence") if can_edit else None
    if data is not None and (
        _absence_save(request, contract, absence_form)
        if is_absence
        else _contract_save(request, contract, form)
    ):
        return redirect(contract)
    return render(
        request,
        "planning/contract.html",
        {
            "contract": contract,
            "form": form,
            "absence_form": absence_form,
            "absences": contract.pedagogue.absences.order_by("-start")[:20],
            "in_corps": in_corps(contract.pedagogue),
            **section,
        },
    )


@login_required
def absence_delete(request, public_id, absence_id):
    """A confirm page: GET names the weekly plans that keep the absence's half-days unplanned,
    POST with "Bekræft" deletes it."""
    contract = access.get_visible_or_404(
        access.contracts_visible_to(request.user), public_id=public_id
    )
    absence = access.get_visible_or_404(
        access.absences_visible_to(request.user).filter(pedagogue_id=contract.pedagogue_id),
        pk=absence_id,
    )
    if not access.can_delete_absence(request.user, absence):
        raise Http404
    error = ""
    if confirmed(request):
        try:
            services.absence_delete(actor=request.user, absence=absence)
        except services.PlanningError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Fraværet er slettet."))
            return redirect(contract)
    return confirm_page(
        request,
        title=_("Slet fravær"),
        button=_("Slet fraværet"),
        consequences=selectors.absence_delete_consequences(absence),
        irreversible=_(
            "Fraværet kan ikke hentes tilbage; er det slettet ved en fejl, registreres det igen. "
            "Sletningen står i loggen."
        ),
        back=contract.get_absolute_url(),
        error=error,
        extra={"links": selectors.plan_links(absence.plans_during())},
    )


@login_required
@require_POST
def calendar_feed_create(request):
    """Make the user's secret calendar address, then back to the page that offered it."""
    try:
        services.calendar_feed_create(actor=request.user)
    except services.PlanningError as error:
        messages.error(request, str(error))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("start")
    return redirect(back)


def calendar_feed(request, token):
    """The pedagogue's weeks as iCalendar; the secret token is the only credential."""
    feed = selectors.feed_by_token(token)
    if feed is None:
        raise Http404
    return HttpResponse(calendar.week_feed(feed.user), content_type="text/calendar; charset=utf-8")
