"""The visitation overview and referrals: drafts, submitting, additions and attachments."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown, children_in_forms
from inklusio.core.confirm import confirm_page, confirmed, refuse_unconfirmed
from inklusio.core.errors import DomainError
from inklusio.core.forms import save_form, show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.listing import Listing
from inklusio.core.storage import private_storage
from inklusio.referrals import selectors
from inklusio.referrals.forms import (
    REFERRAL_COLUMNS,
    AddendumForm,
    AttachmentForm,
    MeetingForm,
    PeriodForm,
    ReferralFilterForm,
    ReferralForm,
    WithdrawForm,
)
from inklusio.referrals.models import Referral
from inklusio.referrals.services import referrals as services
from inklusio.referrals.views.common import keep_refused, restore_refused


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    can_refer, can_decide = selectors.may_refer(user), access.can_decide(user)
    if not can_refer and not can_decide:
        raise Http404
    form = ReferralFilterForm(request.GET, institutions=access.institutions_visible_to(user))
    listing = Listing(request, form=form, columns=REFERRAL_COLUMNS, default_sort="submitted")
    context = {
        "listing": listing,
        "referrals": selectors.referrals_list_for(user, listing=listing),
        "can_refer": can_refer,
        "can_decide": can_decide,
        # A partner's list holds their own referrals only: an empty one says so.
        "only_own": access.sees_only_own_referrals(user),
        "meeting_form": restore_refused(request, "meeting", MeetingForm),
        "period_form": restore_refused(request, "period", PeriodForm),
    }
    return render(request, "referrals/overview.html", context | selectors.committee_overview(user))


def _referral_form(request: AuthenticatedHttpRequest, **kwargs: object) -> ReferralForm:
    return ReferralForm(
        request.POST or None,
        request.FILES or None,
        children=access.children_user_may_refer(request.user),
        resource_groups=selectors.all_resource_groups(request.user),
        **kwargs,
    )


@login_required
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_refer(request.user):
        raise Http404
    chosen = selectors.child_to_refer(request.user, request.GET.get("barn"))
    form = _referral_form(request, initial={"child": chosen.pk if chosen else None})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload, child = data.pop("attachment", None), data.pop("child")
        try:
            referral = services.referral_save(
                actor=request.user, child=child, data=data, upload=upload
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Indstillingen er gemt som kladde. Indsend den, når den er klar.")
            )
            return redirect(referral)
    # The child picker shows every child the user may refer.
    audit_shown(
        actor=request.user,
        obj=None,
        object_type="referral",
        action=AuditAction.SEARCH,
        children=children_in_forms(form),
    )
    return render(request, "referrals/referral_form.html", {"form": form, "creating": True})


@login_required
def referral_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_edit_referral(request.user, referral):
        raise Http404
    form = _referral_form(request, instance=referral)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_form(
            form,
            services.referral_save,
            actor=request.user,
            child=referral.child,
            referral=referral,
            upload=form.cleaned_data.get("attachment"),
        )
    ):
        messages.success(request, _("Ændringerne er gemt."))
        return redirect(referral)
    audit_shown(
        actor=request.user, obj=referral, children=[referral.child, *children_in_forms(form)]
    )
    return render(request, "referrals/referral_form.html", {"form": form, "referral": referral})


@login_required
def referral_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.referral_for_user(request.user, public_id)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "can_edit": access.can_edit_referral(request.user, referral),
            "can_withdraw": access.can_withdraw_referral(request.user, referral),
            "can_add": access.can_add_to_referral(request.user, referral),
            "addendum_form": restore_refused(request, _addendum_kept(referral), AddendumForm),
            "attachment_form": AttachmentForm(),
            "decisions": selectors.decisions_on_referral(request.user, referral),
            "back": selectors.way_back(request.user, referral.child),
            "child_link": selectors.child_link(request.user, referral.child),
        },
    )


@login_required
def referral_submit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: GET says what submitting does, POST with "Bekræft" submits."""
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_edit_referral(request.user, referral):
        raise Http404
    error = ""
    if confirmed(request):
        try:
            services.referral_submit(actor=request.user, referral=referral)
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request, _("Indstillingen er sendt til visitationsudvalget og er nu låst.")
            )
            return redirect(referral)
    elif not referral.has_consent:
        error = _(
            "Indstillingen kan ikke indsendes uden forældrenes samtykke: "
            "angiv hvem der gav samtykke, hvornår og hvordan."
        )
    audit_shown(actor=request.user, obj=referral, children=[referral.child])
    return confirm_page(
        request,
        title=_("Indsend indstillingen"),
        button=_("Indsend til visitationsudvalget"),
        consequences=[
            _("Indstillingen for %(name)s (%(offer)s) sendes til visitationsudvalget.")
            % {"name": referral.child.full_name, "offer": referral.get_offer_display().lower()},
            _("Den låses: beskrivelse, samtykke og ønsket tilbud kan ikke længere rettes."),
            _("Nye oplysninger og bilag kan stadig tilføjes som tilføjelser."),
        ],
        irreversible=_(
            "En indsendt indstilling kan ikke blive kladde igen. Den kan trækkes tilbage med "
            "en begrundelse, indtil udvalget har afgjort den."
        ),
        back=referral.get_absolute_url(),
        error=error,
    )


@login_required
def referral_withdraw(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: GET says what withdrawing does, POST with "Bekræft" withdraws."""
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_withdraw_referral(request.user, referral):
        raise Http404
    form = WithdrawForm(request.POST or None)
    if not refuse_unconfirmed(request, form) and request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Indstillingen er trukket tilbage."))
            return redirect(referral)
    audit_shown(actor=request.user, obj=referral, children=[referral.child])
    submitted = referral.status == Referral.Status.SUBMITTED
    return confirm_page(
        request,
        title=_("Træk indstillingen tilbage"),
        button=_("Træk tilbage"),
        consequences=[
            _("Indstillingen for %(name)s (%(offer)s) får status «Trukket tilbage».")
            % {"name": referral.child.full_name, "offer": referral.get_offer_display().lower()},
            _(
                "Visitationsudvalget behandler den ikke; står barnet på ventelisten med den, "
                "tages det af listen."
            )
            if submitted
            else _("Kladden kan ikke længere rettes eller indsendes."),
            _(
                "Indstillingen slettes ikke. Den bevares i sagen med, hvem der trak den tilbage, "
                "hvornår og hvorfor, og det står i loggen."
            ),
        ],
        irreversible=_(
            "En tilbagetrukket indstilling kan ikke genoptages. Er der igen brug for hjælp, "
            "laves en ny indstilling."
        ),
        back=referral.get_absolute_url(),
        form=form,
    )


@login_required
@require_POST
def referral_addendum(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_add_to_referral(request.user, referral):
        raise Http404
    form = AddendumForm(request.POST)
    if not form.is_valid():
        # Back on the referral's page with what was typed and why it was refused.
        keep_refused(request, _addendum_kept(referral))
        return redirect(referral)
    try:
        services.referral_add_addendum(
            actor=request.user, referral=referral, text=form.cleaned_data["text"]
        )
    except DomainError as error:
        keep_refused(request, _addendum_kept(referral), error)
        return redirect(referral)
    messages.success(request, _("Tilføjelsen er gemt."))
    return redirect(referral)


def _addendum_kept(referral: Referral) -> str:
    return f"addendum-{referral.public_id}"


@login_required
@require_POST
def referral_attachment(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.referral_for_user(request.user, public_id, log=False)
    if not access.can_add_to_referral(request.user, referral):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Vælg en fil at vedhæfte."))
        return redirect(referral)
    try:
        services.attachment_add(
            actor=request.user, referral=referral, upload=form.cleaned_data["file"], field="file"
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Bilaget er vedhæftet."))
    return redirect(referral)


@login_required
def attachment_download(request: AuthenticatedHttpRequest, public_id: UUID) -> FileResponse:
    attachment = selectors.attachment_for_download(request.user, public_id)
    return FileResponse(
        private_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
