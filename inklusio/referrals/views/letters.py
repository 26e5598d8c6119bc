"""Decision letters: issue a version, open it, record the day it was sent."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio.core.forms import focus_first_error
from inklusio.core.http import PDF, AuthenticatedHttpRequest, file_response
from inklusio.referrals import selectors
from inklusio.referrals.services import letters as services
from inklusio.referrals.views.common import committee_only, record_step
from inklusio.referrals.views.decisions import decision_for_committee, sent_form, show_decision_page


@login_required
@require_POST
def letter_issue(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    decision = decision_for_committee(request, public_id)
    letter = services.letter_issue(actor=request.user, decision=decision)
    messages.success(
        request, _("Brev version %(version)s er dannet.") % {"version": letter.version}
    )
    return redirect(decision)


@login_required
def letter_download(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    letter = selectors.letter_for_user(request.user, public_id, log=True)
    return file_response(letter.pdf, f"afgoerelse-v{letter.version}.pdf", PDF, download=False)


@login_required
@require_POST
def letter_sent(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    committee_only(request.user)
    letter = selectors.letter_for_user(request.user, public_id)
    form = sent_form(letter, request.POST)
    done = record_step(
        request,
        form,
        lambda data: (
            services.letter_mark_sent(
                actor=request.user, letter=letter, sent_on=data["on"]
            ).decision
        ),
        _("Brevet er registreret som sendt."),
    )
    if done:
        return done
    focus_first_error(form)
    return show_decision_page(request, letter.decision, refused_sent=(letter, form))
