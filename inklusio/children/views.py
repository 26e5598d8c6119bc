from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.children import selectors, services
from inklusio.children.export import child_export
from inklusio.children.forms import (
    CHILD_COLUMNS,
    ChildFilterForm,
    ChildForm,
    ChildSearchForm,
    GuardianEditForm,
    GuardianForm,
)
from inklusio.children.models import Child
from inklusio.core.errors import EditConflict
from inklusio.core.forms import show_edit_conflict
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.listing import PAGE_PARAMETER, Listing
from inklusio.core.plugins import page_sections
from inklusio.core.saved_search import SEARCH_PARAMETER, recall_search, remember_search
from inklusio.people.models import User

_SEARCH_KIND = "children"


def _duplicate_message(user: User, existing: Child) -> str:
    """Point at the existing child only when the user may see it, so existence does not leak."""
    if access.can_view_child(user, existing):
        return format_html(
            _('Barnet er allerede registreret: <a href="{}">{}</a>.'),
            existing.get_absolute_url(),
            existing.full_name,
        )
    return _(
        "Et barn med dette CPR-nummer er allerede registreret i kommunen. "
        "Forvaltningen er underrettet og kontakter jer, hvis barnet skal tilknyttes jeres "
        "institution."
    )


def _search_url(request: AuthenticatedHttpRequest, search: selectors.ChildSearch) -> str:
    """The list's address for a search: a token kept in the session, never the typed text; the
    filters and the sort in the address stay, the page starts over."""
    params = request.GET.copy()
    params.pop(SEARCH_PARAMETER, None)
    params.pop(PAGE_PARAMETER, None)
    if search.terms:
        params[SEARCH_PARAMETER] = remember_search(request.session, _SEARCH_KIND, search.as_dict())
    query = params.urlencode()
    return f"{reverse('child-list')}?{query}" if query else reverse("child-list")


def _recalled_search(request: AuthenticatedHttpRequest) -> selectors.ChildSearch:
    saved = recall_search(request.session, _SEARCH_KIND, request.GET.get(SEARCH_PARAMETER))
    return selectors.ChildSearch.from_dict(saved) if saved else selectors.ChildSearch()


@login_required
def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Searches come by POST, so a CPR number typed never reaches a URL, and are then shown at
    the list's address with a search token (or, typed live, straight into the rows)."""
    if not access.can_list_children(request.user):
        raise Http404  # a family's children are on its own page, Mit barn
    form = ChildSearchForm(request.POST if request.method == "POST" else None)
    search = _recalled_search(request)
    if form.is_valid():
        search = selectors.ChildSearch.parse(form.cleaned_data["q"])
        if not request.htmx:
            return redirect(_search_url(request, search))
    listing = Listing(
        request,
        form=ChildFilterForm(
            request.GET, institutions=access.institutions_visible_to(request.user)
        ),
        columns=CHILD_COLUMNS,
        default_sort="name",
    )
    children = selectors.children_list_for(request.user, query=search, listing=listing)
    template = "children/_child_rows.html" if request.htmx else "children/child_list.html"
    context = {
        "form": form if form.is_bound else ChildSearchForm(),
        "listing": listing,
        "children": children,
        "query": search.label,
        "can_add_children": access.can_add_children(request.user),
    }
    response = render(request, template, context)
    if request.htmx and form.is_valid():
        push_url(response, _search_url(request, search))
    return response


def _detail(
    request: AuthenticatedHttpRequest, child: Child, *, full_cpr: bool = False
) -> HttpResponse:
    return render(
        request,
        "children/child_detail.html",
        {
            "child": child,
            "full_cpr": full_cpr,
            "guardianships": selectors.guardianships_of(child),
            "can_edit": access.can_edit_child(request.user, child),
            "show_contacts": access.can_see_guardian_contacts(request.user, child),
            "can_see_full_cpr": access.can_see_full_cpr(request.user, child),
            "can_export": access.can_export_child_data(request.user, child),
            "sections": page_sections("child_page", request.user, child),
        },
    )


@login_required
def child_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _detail(request, selectors.child_for_user(request.user, public_id))


@login_required
@require_POST
def child_cpr_reveal(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """'Vis fuldt CPR-nummer': the whole number, for the roles that need it, logged as shown."""
    child = selectors.child_with_full_cpr(request.user, public_id)
    if request.htmx:
        return render(request, "children/_cpr.html", {"child": child, "full_cpr": True})
    return _detail(request, child, full_cpr=True)


@login_required
def child_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    institutions = access.institutions_where_user_can_add_children(request.user)
    if not institutions.exists():
        raise Http404
    form = ChildForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(actor=request.user, data=form.cleaned_data)
        except services.DuplicateChild as duplicate:
            form.add_error("cpr", _duplicate_message(request.user, duplicate.existing))
        except services.ImplausibleAge as refused:
            form.add_error("cpr", str(refused))
        except services.TooManyDuplicateAttempts as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("%(name)s er oprettet.") % {"name": child.full_name})
            return redirect(child)
    return render(request, "children/child_form.html", {"form": form, "creating": True})


@login_required
def child_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = selectors.child_for_user(request.user, public_id, log=False)
    if not access.can_edit_child(request.user, child):
        raise Http404
    institutions = access.institutions_where_user_can_add_children(request.user)
    form = ChildForm(request.POST or None, instance=child, institutions=institutions)
    shown = [child]
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(
                actor=request.user,
                child=child,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as error:
            show_edit_conflict(form, error)
        except services.ImplausibleAge as refused:
            form.add_error(refused.field, str(refused))
        except services.DuplicateChild as duplicate:
            form.add_error("cpr", _duplicate_message(request.user, duplicate.existing))
            if access.can_view_child(request.user, duplicate.existing):
                shown.append(duplicate.existing)  # the message names the other child
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect(child)
    # The form shows the child whether opened or re-rendered with errors.
    audit_shown(actor=request.user, obj=child, children=shown)
    context = {"form": form, "child": child, "creating": False}
    return render(request, "children/child_form.html", context)


@login_required
def child_data_export(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Data-subject access request: the administration exports all data about the child."""
    child = selectors.child_for_user(request.user, public_id, log=False)
    if not access.can_export_child_data(request.user, child):
        raise Http404
    response = JsonResponse(
        child_export(actor=request.user, child=child),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"inklusio-{child.public_id}.json"
    )
    return response


@login_required
def guardian_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = selectors.child_for_user(request.user, public_id, log=False)
    if not access.can_edit_child(request.user, child):
        raise Http404
    form = GuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.guardian_add(
            actor=request.user,
            child=child,
            data=form.cleaned_data,
            relation=form.cleaned_data["relation"],
            has_custody=form.cleaned_data["has_custody"],
        )
        messages.success(request, _("Forælderen er tilføjet."))
        return redirect(child)
    audit_shown(actor=request.user, obj=child, children=[child])
    return render(request, "children/guardian_form.html", {"form": form, "child": child})


@login_required
def guardian_edit(
    request: AuthenticatedHttpRequest, public_id: UUID, guardian_id: UUID
) -> HttpResponse:
    """'Ret forælder': the same people who add a guardian to the child correct one of its
    guardians; a save from an outdated version is refused with what was changed meanwhile."""
    child = selectors.child_for_user(request.user, public_id, log=False)
    if not access.can_edit_child(request.user, child):
        raise Http404
    guardianship = selectors.guardianship_for(child, guardian_id)
    guardian = guardianship.guardian
    form = GuardianEditForm(request.POST or None, instance=guardian, relation=guardianship.relation)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_update(
                actor=request.user,
                child=child,
                guardian=guardian,
                data=form.cleaned_data,
                relation=form.cleaned_data["relation"],
                expected_version=form.cleaned_data["version"],
            )
        except EditConflict as error:
            show_edit_conflict(form, error)
        else:
            messages.success(request, _("Ændringerne er gemt."))
            return redirect(child)
    # The form shows the guardian's data on the child's case, opened or re-rendered.
    audit_shown(actor=request.user, obj=guardian, children=[child])
    context = {"form": form, "child": child, "guardian": guardian}
    return render(request, "children/guardian_form.html", context)
