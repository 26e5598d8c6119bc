"""The administration's retention pages: the dry run with its confirmation, and the periods."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.core.errors import DomainError, EditConflict
from inklusio.core.forms import show_edit_conflict
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.retention import selectors, services
from inklusio.retention.forms import ConfirmForm, PolicyForm


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_retention(request.user):
        raise Http404


@login_required
def retention_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    dry_run = selectors.dry_run_for(request.user)
    context = {
        "dry_run": dry_run,
        "policy": selectors.policy_for(request.user),
        "confirm": ConfirmForm(initial={"fingerprint": dry_run.fingerprint}),
        "records": selectors.deletion_records_visible_to(request.user)[:50],
    }
    return render(request, "retention/overview.html", context)


@login_required
@require_POST
def retention_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Godkend sletningen fra prøvekørslen."))
        return redirect("retention-overview")
    try:
        records = services.retention_run(
            actor=request.user, fingerprint=form.cleaned_data["fingerprint"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        count = len(records)
        messages.success(
            request,
            ngettext("%(n)s sag er slettet.", "%(n)s sager er slettet.", count) % {"n": count},
        )
    return redirect("retention-overview")


@login_required
def retention_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    policy = selectors.policy_for(request.user)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_policy_update(
                actor=request.user,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as error:
            show_edit_conflict(form, error)
        except services.PeriodOutOfBounds as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("Slettefristerne er gemt."))
            return redirect("retention-overview")
    return render(request, "retention/settings.html", {"form": form})
