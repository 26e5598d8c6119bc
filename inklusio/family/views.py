"""The guardians' page and the message threads: thin views over access, selectors, services."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record, audit_shown
from inklusio.children.models import Child
from inklusio.core.errors import DomainError
from inklusio.core.forms import show_refusal
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response
from inklusio.courses.services import parent_letter
from inklusio.family import selectors, services
from inklusio.family.forms import MessageForm
from inklusio.meetings import services as consent_services
from inklusio.meetings.forms import GuardianConsentForm
from inklusio.people.models import User
from inklusio.plans.models import ActionPlan


@login_required
def family_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The guardian's start: one child goes straight to its page."""
    children = selectors.family_children(request.user)
    if not access.can_use_family_page(request.user):
        raise Http404
    if len(children) == 1:
        return redirect("family-child", public_id=children[0].public_id)
    audit_shown(actor=request.user, obj=None, children=children)
    return render(request, "family/home.html", {"children": children})


@login_required
def family_child(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = selectors.family_child(request.user, public_id)
    return _child_page(request, child, GuardianConsentForm(child=child))


def _child_page(
    request: AuthenticatedHttpRequest,
    child: Child,
    consent_form: GuardianConsentForm,
    status: int = 200,
) -> HttpResponse:
    page = selectors.family_page(request.user, child)
    audit_shown(actor=request.user, obj=child, children=[child])
    context = {"page": page, "child": child, "consent_form": consent_form}
    return render(request, "family/child.html", context, status=status)


@login_required
@require_POST
def family_consent_give(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = selectors.family_child(request.user, public_id)
    form = GuardianConsentForm(request.POST, child=child)
    if form.is_valid():
        try:
            consent_services.consent_give(actor=request.user, child=child, **form.cleaned_data)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Tak – dit samtykke er registreret."))
            return redirect("family-child", public_id=child.public_id)
    return _child_page(request, child, form)


@login_required
def family_course_letter(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The information letter about a course, for the parents of the child it is about."""
    participant = selectors.participant_letter_for(request.user, public_id)
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=participant, child=participant.child
    )
    return file_response(
        parent_letter(participant), "brev-om-ressourceforloeb.pdf", PDF, download=False
    )


@login_required
def message_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    threads = selectors.message_threads_for(request.user)
    if not threads:
        raise Http404
    audit_shown(actor=request.user, obj=None, children=[t["plan"].child for t in threads])
    return render(request, "family/messages.html", {"threads": threads})


@login_required
def plan_messages(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.message_plan_for_user(request.user, public_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not access.can_send_message(request.user, plan):
            raise Http404
        if form.is_valid():
            try:
                services.message_send(actor=request.user, plan=plan, **form.cleaned_data)
            except DomainError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, _("Beskeden er sendt."))
                return redirect("plan-messages", public_id=plan.public_id)
    audit_shown(actor=request.user, obj=plan, children=[plan.child])
    context = {
        "plan": plan,
        "thread": selectors.thread_for(request.user, plan),
        "form": form,
        "can_send": access.can_send_message(request.user, plan),
        "back": _back_url(request.user, plan),
    }
    return render(request, "family/thread.html", context)


def _back_url(user: User, plan: ActionPlan) -> str:
    # Messages are on child plans only (access.plans_for_messages).
    if access.can_use_family_page(user) and plan.child is not None:
        return reverse("family-child", args=[plan.child.public_id])
    return plan.get_absolute_url()


@login_required
@require_POST
def plan_messages_read(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan = selectors.message_plan_for_user(request.user, public_id)
    services.messages_mark_read(actor=request.user, plan=plan)
    messages.success(request, _("Beskederne er markeret som læst."))
    return redirect("plan-messages", public_id=plan.public_id)
