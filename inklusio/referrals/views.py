"""Referral and visitation pages. Each view asks inklusio.access, calls one service, redirects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.errors import DomainError, EditConflict
from inklusio.core.http import PDF, file_response
from inklusio.core.storage import private_storage
from inklusio.referrals import selectors, services
from inklusio.referrals.forms import (
    AddendumForm,
    AppealForm,
    AttachmentForm,
    DateForm,
    DecisionForm,
    EndForm,
    LegalBasisForm,
    MeetingForm,
    PeriodForm,
    ReassessmentForm,
    ReferralForm,
)
from inklusio.referrals.models import (
    Appeal,
    LegalBasis,
    Referral,
    ReferralAttachment,
)


def _committee_only(user) -> None:
    if not access.can_decide(user):
        raise Http404


def _record_step(request, form, record, success: str):
    """A committee step from a posted form: the new decision on success, else None with the
    refusal shown on the form (nothing typed is lost); domain errors carry their Danish text."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = record(form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, success)
    return redirect(result)


@login_required
def overview(request):
    user = request.user
    status = request.GET.get("status", "open")
    if status not in {"open", "", *Referral.Status.values}:
        status = "open"
    context = {
        "status": status,
        "status_choices": [("open", _("Åbne")), *Referral.Status.choices, ("", _("Alle"))],
        "referrals": selectors.referrals_list_for(user, status=status),
        "can_refer": access.children_user_may_refer(user).exists(),
        "can_decide": access.can_decide(user),
    }
    if not context["can_refer"] and not context["can_decide"]:
        raise Http404
    if context["can_decide"]:
        context |= {
            "periods": selectors.periods_with_capacity(user),
            "groups": selectors.group_capacity(user),
            "meetings": selectors.meetings_for(user)[:12],
            "reassessments": selectors.reassessments(user),
            "waiting": selectors.waiting_list(user),
            "meeting_form": MeetingForm(),
            "period_form": PeriodForm(),
        }
    return render(request, "referrals/overview.html", context)


# --- Referrals ---------------------------------------------------------------------------------


@login_required
def referral_create(request):
    if not access.children_user_may_refer(request.user).exists():
        raise Http404
    child_id = request.GET.get("barn")
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        children=access.children_user_may_refer(request.user),
        resource_groups=selectors.all_resource_groups(request.user),
    )
    if child_id and request.method == "GET":
        child = access.children_user_may_refer(request.user).filter(public_id=child_id).first()
        if child:
            form.initial["child"] = child.pk
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("attachment", None)
        referral = services.referral_save(actor=request.user, child=data.pop("child"), data=data)
        if upload:
            services.attachment_add(actor=request.user, referral=referral, upload=upload)
        messages.success(
            request, _("Indstillingen er gemt som kladde. Indsend den, når den er klar.")
        )
        return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "creating": True})


@login_required
def referral_edit(request, public_id):
    referral = selectors.referral_for_user(request.user, public_id, log=request.method == "GET")
    if not access.can_edit_referral(request.user, referral):
        raise Http404
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        instance=referral,
        children=access.children_user_may_refer(request.user),
        resource_groups=selectors.all_resource_groups(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_save(
                actor=request.user,
                child=referral.child,
                referral=referral,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
            if form.cleaned_data.get("attachment"):
                services.attachment_add(
                    actor=request.user, referral=referral, upload=form.cleaned_data["attachment"]
                )
        except EditConflict:
            form.add_error(
                None,
                _(
                    "Indstillingen er ændret af en anden, efter du åbnede den. Dine indtastninger er "
                    "bevaret herunder; åbn indstillingen i et nyt vindue for at se ændringerne."
                ),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect(referral)
    return render(request, "referrals/referral_form.html", {"form": form, "referral": referral})


@login_required
def referral_detail(request, public_id):
    referral = selectors.referral_for_user(request.user, public_id)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "can_edit": access.can_edit_referral(request.user, referral),
            "can_add": access.can_add_to_referral(request.user, referral),
            "addendum_form": AddendumForm(),
            "attachment_form": AttachmentForm(),
            "decisions": access.decisions_visible_to(request.user).filter(referral=referral),
        },
    )


@login_required
@require_POST
def referral_submit(request, public_id):
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_edit_referral(request.user, referral):
        raise Http404
    try:
        services.referral_submit(actor=request.user, referral=referral)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Indstillingen er sendt til visitationsudvalget og er nu låst.")
        )
    return redirect(referral)


@login_required
@require_POST
def referral_addendum(request, public_id):
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_add_to_referral(request.user, referral):
        raise Http404
    form = AddendumForm(request.POST)
    if form.is_valid():
        services.referral_add_addendum(
            actor=request.user, referral=referral, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Tilføjelsen er gemt."))
    else:
        messages.error(request, _("Skriv tilføjelsen, før du gemmer."))
    return redirect(referral)


@login_required
@require_POST
def referral_attachment(request, public_id):
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_add_to_referral(request.user, referral):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Vælg en fil at vedhæfte."))
    else:
        try:
            services.attachment_add(
                actor=request.user, referral=referral, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Bilaget er vedhæftet."))
    return redirect(referral)


@login_required
def attachment_download(request, public_id):
    attachment = access.get_visible_or_404(
        ReferralAttachment.objects.filter(
            referral__in=access.referrals_visible_to(request.user)
        ).select_related("referral__child"),
        public_id=public_id,
    )
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=attachment,
        child=attachment.referral.child,
    )
    return FileResponse(
        private_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- Committee -----------------------------------------------------------------------------------


@login_required
@require_POST
def period_create(request):
    _committee_only(request.user)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Visitationsperioden %(label)s er oprettet.") % {"label": period.label}
            )
    else:
        messages.error(request, _("Angiv et år og et antal pladser."))
    return redirect("visitation-overview")


@login_required
@require_POST
def meeting_create(request):
    _committee_only(request.user)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except services.PeriodMissing:
            messages.error(request, _("Opret først visitationsperioden, som mødedatoen ligger i."))
        else:
            return redirect(meeting)
    else:
        messages.error(request, _("Angiv en gyldig mødedato."))
    return redirect("visitation-overview")


@login_required
def meeting_detail(request, public_id):
    meeting = selectors.meeting_for_user(request.user, public_id)
    return render(
        request,
        "referrals/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": selectors.agenda(request.user, meeting),
            "capacity": selectors.period_capacity(meeting.period),
            "groups": selectors.group_capacity(request.user),
        },
    )


@login_required
def meeting_decide(request, public_id, referral_id):
    meeting = selectors.meeting_for_user(request.user, public_id)
    referral = selectors.referral_for_user(request.user, referral_id, log=request.method == "GET")
    if referral.status != Referral.Status.SUBMITTED:
        raise Http404
    form = DecisionForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
        initial={
            "offer": referral.offer,
            "resource_group": referral.resource_group_id,
            "start": meeting.date,
        },
    )
    done = _record_step(
        request,
        form,
        lambda data: services.decision_record(
            actor=request.user, child=referral.child, referral=referral, meeting=meeting, **data
        ),
        _("Afgørelsen er registreret. Udsend brevet til forældrene."),
    )
    if done:
        return done
    return render(
        request,
        "referrals/decision_form.html",
        {
            "form": form,
            "meeting": meeting,
            "referral": referral,
            "capacity": selectors.period_capacity(meeting.period),
            "title": _("Afgør indstillingen for %(name)s") % {"name": referral.child.full_name},
        },
    )


@login_required
def legal_bases(request):
    _committee_only(request.user)
    form = LegalBasisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        basis = services.legal_basis_add(actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(title)s er tilføjet.") % {"title": basis.title})
        return redirect("visitation-legal-bases")
    bases = LegalBasis.objects.in_municipality_of(request.user)
    return render(request, "referrals/legal_bases.html", {"form": form, "bases": bases})


@login_required
def reassessment_list(request):
    _committee_only(request.user)
    return render(
        request,
        "referrals/reassessments.html",
        {"reassessments": selectors.reassessments(request.user)},
    )


@login_required
def waiting_list(request):
    _committee_only(request.user)
    return render(
        request, "referrals/waiting_list.html", {"waiting": selectors.waiting_list(request.user)}
    )


# --- Decisions -----------------------------------------------------------------------------------


@login_required
def decision_detail(request, public_id):
    decision = selectors.decision_for_user(request.user, public_id)
    can_decide = access.can_decide(request.user)
    return render(
        request,
        "referrals/decision_detail.html",
        {
            "decision": decision,
            "letters": decision.letters.order_by("-version"),
            "appeals": decision.appeals.select_related("owner", "new_decision")
            if can_decide
            else [],
            "later": decision.superseded_by.all(),
            "can_decide": can_decide,
            "in_force": services.is_in_force(decision),
            "sent_form": DateForm(label=_("Sendt den")),
            "placed_form": DateForm(label=_("Startet den")),
            "reassessed_form": DateForm(label=_("Genvurderet den")),
        },
    )


def _decision_for_committee(request, public_id):
    _committee_only(request.user)
    return selectors.decision_for_user(request.user, public_id, log=request.method == "GET")


@login_required
@require_POST
def letter_issue(request, public_id):
    decision = _decision_for_committee(request, public_id)
    letter = services.letter_issue(actor=request.user, decision=decision)
    messages.success(
        request, _("Brev version %(version)s er dannet.") % {"version": letter.version}
    )
    return redirect(decision)


@login_required
def letter_download(request, public_id):
    letter = selectors.letter_for_user(request.user, public_id)
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=letter, child=letter.decision.child
    )
    return file_response(letter.pdf, f"afgoerelse-v{letter.version}.pdf", PDF, download=False)


@login_required
@require_POST
def letter_sent(request, public_id):
    _committee_only(request.user)
    letter = selectors.letter_for_user(request.user, public_id)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            services.letter_mark_sent(
                actor=request.user, letter=letter, sent_on=form.cleaned_data["on"]
            )
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Angiv datoen, brevet blev sendt."))
    return redirect(letter.decision)


@login_required
@require_POST
def decision_placed(request, public_id):
    decision = _decision_for_committee(request, public_id)
    form = DateForm(request.POST)
    if form.is_valid():
        services.decision_mark_placed(
            actor=request.user, decision=decision, placed_on=form.cleaned_data["on"]
        )
        messages.success(
            request, _("Barnet er registreret som startet og er taget af ventelisten.")
        )
    else:
        messages.error(request, _("Angiv datoen, barnet startede."))
    return redirect(decision)


def _decision_step(request, decision, form, action, template_title):
    return render(
        request,
        "referrals/decision_form.html",
        {"form": form, "decision": decision, "title": template_title, "action": action},
    )


@login_required
def decision_end(request, public_id):
    decision = _decision_for_committee(request, public_id)
    form = EndForm(request.POST or None, user=request.user)
    done = _record_step(
        request,
        form,
        lambda data: services.decision_end(actor=request.user, decision=decision, **data),
        _("Ophøret er registreret som en ny afgørelse. Udsend brevet."),
    )
    return done or _decision_step(request, decision, form, "end", _("Bring bevillingen til ophør"))


@login_required
def decision_reassess(request, public_id):
    decision = _decision_for_committee(request, public_id)
    form = ReassessmentForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
    )
    done = _record_step(
        request,
        form,
        lambda data: services.reassessment_record(actor=request.user, decision=decision, **data),
        _("Revurderingen er registreret som en afgørelse. Udsend brevet."),
    )
    return done or _decision_step(request, decision, form, "reassess", _("Revurdering"))


@login_required
def appeal_create(request, public_id):
    decision = _decision_for_committee(request, public_id)
    form = AppealForm(request.POST or None, owners=access.decision_owners(request.user))
    if request.method == "POST" and form.is_valid():
        services.appeal_register(actor=request.user, decision=decision, **form.cleaned_data)
        messages.success(
            request, _("Klagen er registreret. Kommunen genvurderer afgørelsen først.")
        )
        return redirect(decision)
    return _decision_step(request, decision, form, "appeal", _("Registrér klage"))


def _appeal_for_committee(request, public_id) -> Appeal:
    _committee_only(request.user)
    return access.get_visible_or_404(
        Appeal.objects.filter(
            decision__in=access.decisions_visible_to(request.user)
        ).select_related("decision__child"),
        public_id=public_id,
    )


@login_required
@require_POST
def appeal_uphold(request, public_id):
    appeal = _appeal_for_committee(request, public_id)
    form = DateForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_uphold(actor=request.user, appeal=appeal, on=form.cleaned_data["on"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Afgørelsen er fastholdt; klagen og sagens akter sendes til Ankestyrelsen."),
            )
    else:
        messages.error(request, _("Angiv datoen for genvurderingen."))
    return redirect(appeal.decision)


@login_required
def appeal_change(request, public_id):
    appeal = _appeal_for_committee(request, public_id)
    decision = appeal.decision
    form = DecisionForm(
        request.POST or None,
        user=request.user,
        resource_groups=selectors.all_resource_groups(request.user),
        initial={"offer": decision.offer, "resource_group": decision.resource_group_id},
    )
    done = _record_step(
        request,
        form,
        lambda data: services.appeal_change(actor=request.user, appeal=appeal, **data),
        _("Den ændrede afgørelse er registreret. Udsend brevet."),
    )
    return done or _decision_step(
        request, decision, form, "appeal_change", _("Ændr afgørelsen efter klage")
    )


@login_required
def appeal_bundle(request, public_id):
    appeal = _appeal_for_committee(request, public_id)
    if not appeal.bundle:
        raise Http404
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=appeal, child=appeal.decision.child
    )
    return file_response(appeal.bundle, "sagens-akter.pdf", PDF)
