"""What the referral views share: the committee gate, showing a service's refusal by the field it
concerns, and keeping a refused form that was posted from the overview page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError
from inklusio.core.forms import show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.referrals.models import Decision


def committee_only(user: Any) -> None:
    if not access.can_decide(user):
        raise Http404


def record_step(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    record: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse | None:
    """A committee step from a posted form: a redirect to the result on success, else None with
    the refusal shown on the form (nothing typed is lost)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = record(form.cleaned_data)
    except DomainError as error:
        show_refusal(form, error)
        return None
    messages.success(request, success)
    return redirect(result)


def decision_step(
    request: AuthenticatedHttpRequest,
    decision: Decision,
    form: forms.BaseForm,
    action: str,
    title: str,
) -> HttpResponse:
    """A committee step's form page about a decision: opened, or refused and shown again."""
    audit_shown(actor=request.user, obj=decision, children=[decision.child])
    return render(
        request,
        "referrals/decision_form.html",
        {"form": form, "decision": decision, "title": title, "action": action},
    )


def _session_key(name: str) -> str:
    return f"referrals-refused-{name}"


def keep_refused(
    request: AuthenticatedHttpRequest, name: str, error: DomainError | None = None
) -> None:
    """A form posted from the overview and refused: what was typed, and the service's refusal if
    it got that far, wait in the session for the overview the browser is sent back to."""
    data = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    refusal = [getattr(error, "field", None), str(error)] if error is not None else None
    request.session[_session_key(name)] = {"data": data, "refusal": refusal}


def restore_refused(
    request: AuthenticatedHttpRequest, name: str, form_class: type[forms.Form]
) -> forms.Form:
    """The form as it was refused (typed text and messages kept), or a fresh one."""
    kept = request.session.pop(_session_key(name), None)
    if kept is None:
        return form_class()
    form = form_class(kept["data"])
    if form.is_valid() and kept["refusal"]:
        field, message = kept["refusal"]
        form.add_error(field if field in form.fields else None, message)
    return form
