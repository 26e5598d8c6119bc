"""The today list and the page where users turn e-mail reminders on or off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.today import selectors, services
from inklusio.today.forms import ReminderSettingForm


@login_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_today(request.user):
        raise Http404
    listing = selectors.today_for(request.user)
    # One entry for the page, with every child it names.
    audit_shown(
        actor=request.user,
        obj=None,
        object_type="today",
        action=AuditAction.SEARCH,
        children=listing.children,
    )
    return render(request, "today/today.html", {"listing": listing})


@login_required
def reminder_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_today(request.user):
        raise Http404
    current = selectors.reminder_email_on(request.user)
    # An unticked box posts nothing at all: a POST is a bound form even when empty.
    data = request.POST if request.method == "POST" else None
    form = ReminderSettingForm(data, initial={"email": current})
    if request.method == "POST" and form.is_valid():
        services.reminder_setting_set(actor=request.user, email=form.cleaned_data["email"])
        if form.cleaned_data["email"]:
            messages.success(request, _("Du får påmindelser på e-mail."))
        else:
            messages.success(request, _("Du får ikke længere påmindelser på e-mail."))
        return redirect("reminder-settings")
    context = {"form": form, "has_email": bool(request.user.email)}
    return render(request, "today/reminder_settings.html", context)
