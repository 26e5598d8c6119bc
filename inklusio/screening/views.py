"""Screening pages: thin views over inklusio.access, selectors and services."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.core.errors import DomainError, EditConflict
from inklusio.core.forms import show_edit_conflict, show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.screening import selectors, services
from inklusio.screening.forms import OpenRoundForm, RoundForm
from inklusio.screening.models import ScreeningRound

CONFLICT_LABELS = {
    "ratings": gettext_lazy("Antal vurderede børn"),
    "changed_ratings": gettext_lazy("Ændrede vurderinger"),
    "closed_on": gettext_lazy("Afsluttet"),
}


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_use_screening(request.user):
        raise Http404
    can_open = access.can_open_screening_round(request.user)
    form = OpenRoundForm(request.POST or None, rooms=access.rooms_for_screening(request.user))
    if request.method == "POST":
        if not can_open:
            raise Http404
        if form.is_valid():
            try:
                screening_round = services.screening_round_open(
                    actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Runden er åbnet. Giv hvert barn sine farver."))
                return redirect(screening_round)
    return render(
        request,
        "screening/round_list.html",
        {
            "rounds": selectors.screening_rounds_for(request.user)[:100],
            "form": form if can_open else None,
            "table": selectors.distribution_for(request.user),
        },
    )


def _fill(
    request: AuthenticatedHttpRequest, screening_round: ScreeningRound, form: RoundForm
) -> bool:
    """Save the posted ratings; a refusal goes back onto the form (what was typed is kept)."""
    if not form.is_valid():
        return False
    try:
        services.screening_round_fill(
            actor=request.user,
            screening_round=screening_round,
            ratings=form.ratings(),
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as error:
        show_edit_conflict(form, error, CONFLICT_LABELS)
    except services.RatingsIncomplete as error:
        show_refusal(form, error)
        form.show_problems(error.problems)
    except DomainError as error:
        show_refusal(form, error)
    else:
        return True
    return False


@login_required
def round_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    screening_round = selectors.screening_round_for_user(request.user, public_id)
    can_work = access.can_work_on_screening_round(request.user, screening_round)
    if request.method == "POST" and not can_work:
        raise Http404
    lines = selectors.round_lines(request.user, screening_round)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        version=screening_round.version,
    )
    if request.method == "POST" and _fill(request, screening_round, form):
        messages.success(request, _("Vurderingerne er gemt."))
        return redirect(screening_round)
    # Every child of the round is shown (opened, or re-rendered with a refused form): one entry.
    audit_shown(actor=request.user, obj=screening_round, children=[line.child for line in lines])
    return render(
        request,
        "screening/round_detail.html",
        {
            "round": screening_round,
            "form": form,
            "can_work": can_work,
            "next_meeting": selectors.next_consultative_meeting(request.user, screening_round),
            "can_refer": access.children_user_may_refer(request.user).exists(),
        },
    )


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    screening_round = selectors.screening_round_for_user(request.user, public_id)
    if not access.can_work_on_screening_round(request.user, screening_round):
        raise Http404
    try:
        services.screening_round_close(actor=request.user, screening_round=screening_round)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Runden er afsluttet og tæller nu med i statistikken."))
    return redirect(screening_round)
