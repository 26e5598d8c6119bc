"""Pages of the partner directory (the administration's) and of invitations (the
administration's and institution leaders'). Thin: parse, call one service or selector, render."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown
from inklusio.children.models import Child, PartnerInvitation
from inklusio.children.selectors import child_for_user
from inklusio.core.confirm import confirm_page, confirmed
from inklusio.core.errors import DomainError
from inklusio.core.forms import save_form, show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.listing import Listing
from inklusio.meetings.selectors import consultative_meeting_for_user
from inklusio.partners import selectors, services
from inklusio.partners.forms import (
    INVITATION_COLUMNS,
    EndInvitationForm,
    InvitationFilterForm,
    InvitationForm,
    OrganisationForm,
    PersonForm,
)
from inklusio.partners.models import PartnerOrganisation
from inklusio.people import selectors as people_selectors
from inklusio.people.models import User
from inklusio.plans import selectors as plan_selectors


def _directory_or_404(user: User) -> None:
    if not access.can_manage_partner_directory(user):
        raise Http404


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    _directory_or_404(request.user)
    return render(
        request,
        "partners/directory.html",
        {
            "organisations": selectors.organisations_for(request.user),
            "people": selectors.people_for(request.user),
        },
    )


def _save_organisation(
    request: AuthenticatedHttpRequest,
    form: OrganisationForm,
    organisation: PartnerOrganisation | None = None,
) -> HttpResponse | None:
    if organisation is None:
        saved = save_form(form, services.organisation_create, actor=request.user)
    else:
        saved = save_form(
            form, services.organisation_update, actor=request.user, organisation=organisation
        )
    if not saved:
        return None
    messages.success(request, _("Organisationen er gemt."))
    return redirect("partner-directory")


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _directory_or_404(request.user)
    form = OrganisationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (saved := _save_organisation(request, form))
    ):
        return saved
    return render(request, "partners/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    organisation = selectors.organisation_for(request.user, public_id)
    if not organisation.is_active:
        raise Http404
    form = OrganisationForm(request.POST or None, instance=organisation)
    if (
        request.method == "POST"
        and form.is_valid()
        and (saved := _save_organisation(request, form, organisation))
    ):
        return saved
    return render(
        request, "partners/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
def organisation_deactivate(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    organisation = selectors.organisation_for(request.user, public_id)
    if not organisation.is_active:
        raise Http404
    error = ""
    if confirmed(request):
        try:
            services.organisation_deactivate(actor=request.user, organisation=organisation)
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Organisationen er deaktiveret."))
            return redirect("partner-directory")
    return confirm_page(
        request,
        title=_("Deaktivér organisationen"),
        button=_("Deaktivér"),
        consequences=[
            _("Ingen fra «%(name)s» kan inviteres fremover.") % {"name": organisation},
            _("Invitationer, der allerede gælder, løber til deres slutdato."),
        ],
        irreversible=_("En deaktiveret organisation kan ikke aktiveres igen; opret den på ny."),
        back=reverse("partner-directory"),
        error=error,
    )


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _directory_or_404(request.user)
    organisations = selectors.organisations_for(request.user).filter(deactivated_on__isnull=True)
    form = PersonForm(request.POST or None, organisations=organisations)
    if (
        request.method == "POST"
        and form.is_valid()
        and save_form(form, services.partner_create, actor=request.user)
    ):
        messages.success(
            request, _("Samarbejdspartneren er oprettet og har fået en e-mail om at vælge kode.")
        )
        return redirect("partner-directory")
    return render(request, "partners/person_form.html", {"form": form})


@login_required
def person_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    profile = selectors.person_for(request.user, public_id)
    if not profile.is_active:
        raise Http404
    organisations = selectors.organisations_for(request.user).filter(deactivated_on__isnull=True)
    user = profile.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "profession": user.profession,
        "organisation": profile.organisation,
    }
    form = PersonForm(
        request.POST or None,
        initial=initial,
        organisations=organisations,
        version=profile.version,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and save_form(form, services.partner_update, actor=request.user, profile=profile)
    ):
        messages.success(request, _("Samarbejdspartneren er gemt."))
        return redirect("partner-directory")
    context = {
        "form": form,
        "profile": profile,
        # A lost second factor is reset here too, as on the users page, which lists staff only.
        "may_reset_second_factor": people_selectors.may_reset_second_factor(request.user, user),
    }
    return render(request, "partners/person_form.html", context)


@login_required
def person_deactivate(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    profile = selectors.person_for(request.user, public_id)
    if not profile.is_active:
        raise Http404
    error = ""
    if confirmed(request):
        try:
            services.partner_deactivate(actor=request.user, profile=profile)
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Samarbejdspartneren er deaktiveret."))
            return redirect("partner-directory")
    return confirm_page(
        request,
        title=_("Deaktivér samarbejdspartneren"),
        button=_("Deaktivér"),
        consequences=[
            _("%(name)s kan ikke længere logge ind.") % {"name": profile},
            _("Alle invitationer, der gælder nu, afsluttes i dag; adgangen ophører med det samme."),
        ],
        irreversible=_("En deaktiveret samarbejdspartner kan ikke aktiveres igen."),
        back=reverse("partner-directory"),
        error=error,
    )


# --- Invitations -------------------------------------------------------------------------------


@login_required
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_partner_invitations(request.user):
        raise Http404
    listing = Listing(
        request,
        form=InvitationFilterForm(request.GET, user=request.user),
        columns=INVITATION_COLUMNS,
        default_sort="-valid_until",
    )
    rows = selectors.invitations_for(request.user, listing)
    return render(
        request,
        "partners/invitation_list.html",
        {
            "listing": listing,
            "invitations": [
                (row, row.status(), access.may_end_listed_invitation(request.user, row))
                for row in rows
            ],
            "can_manage_directory": access.can_manage_partner_directory(request.user),
        },
    )


def _invite(
    request: AuthenticatedHttpRequest,
    target: services.Target,
    *,
    scope: str,
    allowed: bool,
    back: str,
    child: Child | None = None,
) -> HttpResponse:
    """The invite form for one child, plan or meeting: the service checks who may invite,
    whom, for how long and why; a refusal is shown on the form with what was typed."""
    if not allowed:
        raise Http404
    form = InvitationForm(
        request.POST or None,
        partners=access.partners_for_invitation(request.user),
        latest=services.latest_end(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                actor=request.user,
                target=target,
                partner=form.cleaned_data["partner"],
                reason=form.cleaned_data["reason"],
                valid_from=form.cleaned_data.get("valid_from"),
                valid_until=form.cleaned_data["valid_until"],
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Samarbejdspartneren er inviteret og har fået besked pr. e-mail.")
            )
            return redirect(back)
    audit_shown(actor=request.user, obj=target, children=[child], action=AuditAction.READ)
    return render(
        request,
        "partners/invite_form.html",
        {"form": form, "what": PartnerInvitation.describe(scope, target, child), "back": back},
    )


@login_required
def invite_to_child(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for_user(request.user, public_id, log=False)
    return _invite(
        request,
        child,
        scope=PartnerInvitation.Scope.CHILD,
        allowed=access.can_invite_to_child(request.user, child),
        back=child.get_absolute_url(),
        child=child,
    )


@login_required
def invite_to_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = plan_selectors.plan_for_user(request.user, public_id, log=False)
    return _invite(
        request,
        plan,
        scope=PartnerInvitation.Scope.PLAN,
        allowed=access.can_invite_to_plan(request.user, plan),
        back=plan.get_absolute_url(),
        child=plan.child,
    )


@login_required
def invite_to_plan_meeting(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = plan_selectors.meeting_for_user(request.user, public_id)
    return _invite(
        request,
        meeting,
        scope=PartnerInvitation.Scope.PLAN_MEETING,
        allowed=access.can_invite_to_plan_meeting(request.user, meeting),
        back=meeting.get_absolute_url(),
        child=meeting.plan.child,
    )


@login_required
def invite_to_meeting(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = consultative_meeting_for_user(request.user, public_id, log=False)
    return _invite(
        request,
        meeting,
        scope=PartnerInvitation.Scope.MEETING,
        allowed=access.can_invite_to_meeting(request.user, meeting),
        back=meeting.get_absolute_url(),
    )


@login_required
def invitation_end(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page with the reason: ending stops the partner's access at once."""
    invitation = selectors.invitation_for(request.user, public_id)
    if not access.can_end_invitation(request.user, invitation):
        raise Http404
    form = EndInvitationForm(request.POST or None)
    error = ""
    if confirmed(request) and form.is_valid():
        try:
            services.invitation_end(
                actor=request.user, invitation=invitation, reason=form.cleaned_data["reason"]
            )
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Invitationen er afsluttet."))
            return redirect("partner-invitations")
    audit_shown(actor=request.user, obj=invitation, children=[invitation.child])
    return confirm_page(
        request,
        title=_("Afslut invitationen før tid"),
        button=_("Afslut invitationen"),
        consequences=[
            _("%(partner)s mister adgangen til %(target)s med det samme.")
            % {"partner": invitation.partner, "target": _target_text(invitation)},
            _("Begrundelsen gemmes sammen med invitationen."),
        ],
        irreversible=_("En afsluttet invitation kan ikke genoptages; invitér igen om nødvendigt."),
        back=reverse("partner-invitations"),
        form=form,
        error=error,
    )


def _target_text(invitation: PartnerInvitation) -> str:
    target = invitation.target
    if invitation.child is not None and target is not invitation.child:
        return f"{invitation.get_scope_display().lower()} «{target}» ({invitation.child})"
    return f"{invitation.get_scope_display().lower()} «{target}»"
