"""The goal bank's pages: the administration keeps it (create, edit, retire); plan writers
read their own municipality's bank and start a plan's goals from it (plans.views)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.children.models import DifficultyCategory
from inklusio.core.confirm import confirm_page, confirmed
from inklusio.core.errors import DomainError
from inklusio.core.forms import save_form
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.plans import selectors, services
from inklusio.plans.forms import GoalBankForm
from inklusio.plans.models import GoalBankEntry


@login_required
def goal_bank_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_read_goal_bank(request.user):
        raise Http404
    category = request.GET.get("omraade", "")
    if category not in DifficultyCategory.values:
        category = ""
    return render(
        request,
        "plans/goal_bank_list.html",
        {
            "entries": selectors.goal_bank_for(request.user, category=category),
            "category": category,
            "categories": DifficultyCategory.choices,
            "can_edit": access.can_edit_goal_bank(request.user),
            "can_write_plans": access.can_create_plans(request.user),
        },
    )


def _save(
    request: AuthenticatedHttpRequest, form: GoalBankForm, entry: GoalBankEntry | None = None
) -> HttpResponse | None:
    """The posted entry through the service: a redirect to the list, or None with the refusal
    (or the edit conflict) on the form and what was typed kept."""
    if entry is None:
        saved = save_form(form, services.goal_bank_create, actor=request.user)
    else:
        saved = save_form(form, services.goal_bank_update, actor=request.user, entry=entry)
    if not saved:
        return None
    messages.success(request, _("Målet er gemt i målbanken."))
    return redirect("goal-bank")


@login_required
def goal_bank_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_edit_goal_bank(request.user):
        raise Http404
    form = GoalBankForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form)):
        return saved
    return render(request, "plans/goal_bank_form.html", {"form": form})


@login_required
def goal_bank_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    entry = selectors.goal_bank_entry_for(request.user, public_id)
    if not access.can_edit_goal_bank(request.user) or entry.is_retired:
        raise Http404
    form = GoalBankForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, entry)):
        return saved
    return render(request, "plans/goal_bank_form.html", {"form": form, "entry": entry})


@login_required
def goal_bank_retire(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A confirm page: GET says what retiring does, POST with "Bekræft" retires."""
    entry = selectors.goal_bank_entry_for(request.user, public_id)
    if not access.can_edit_goal_bank(request.user) or entry.is_retired:
        raise Http404
    error = ""
    if confirmed(request):
        try:
            services.goal_bank_retire(actor=request.user, entry=entry)
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Målet er udgået af målbanken."))
            return redirect("goal-bank")
    return confirm_page(
        request,
        title=_("Lad målet udgå af målbanken"),
        button=_("Lad målet udgå"),
        consequences=[
            _("«%(goal)s» tilbydes ikke længere, når en handleplan skrives.") % {"goal": entry},
            _("Handleplaner, der startede fra målet, beholder deres egen tekst uændret."),
            _("Målet bliver stående i forvaltningens liste som udgået."),
        ],
        irreversible=_(
            "Et udgået mål kan ikke tages i brug igen; skal det bruges, oprettes det på ny."
        ),
        back=reverse("goal-bank"),
        error=error,
    )
