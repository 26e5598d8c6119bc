from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.audit.services import audit_shown
from inklusio.children import selectors, services
from inklusio.children.export import child_export
from inklusio.children.forms import ChildForm, ChildSearchForm, GuardianForm
from inklusio.core.errors import EditConflict
from inklusio.core.forms import show_edit_conflict
from inklusio.core.plugins import page_sections


def _duplicate_message(user, existing):
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


@login_required
def child_list(request):
    form = ChildSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    children = selectors.children_list_for(request.user, query=query)
    template = "children/_child_rows.html" if request.htmx else "children/child_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "children": children,
            "query": query,
            "can_add_children": access.can_add_children(request.user),
        },
    )


@login_required
def child_detail(request, public_id):
    child = selectors.child_for_user(request.user, public_id)
    return render(
        request,
        "children/child_detail.html",
        {
            "child": child,
            "guardianships": selectors.guardianships_of(child),
            "can_edit": access.can_edit_child(request.user, child),
            "show_contacts": access.can_see_guardian_contacts(request.user, child),
            "can_export": access.can_export_child_data(request.user, child),
            "sections": page_sections("child_page", request.user, child),
        },
    )


@login_required
def child_create(request):
    institutions = access.institutions_where_user_can_add_children(request.user)
    if not institutions.exists():
        raise Http404
    form = ChildForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(actor=request.user, data=form.cleaned_data)
        except services.DuplicateChild as duplicate:
            form.add_error("cpr", _duplicate_message(request.user, duplicate.existing))
        except services.TooManyDuplicateAttempts as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("%(name)s er oprettet.") % {"name": child.full_name})
            return redirect(child)
    return render(request, "children/child_form.html", {"form": form, "creating": True})


@login_required
def child_edit(request, public_id):
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
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as error:
            show_edit_conflict(form, error)
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
def child_data_export(request, public_id):
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
def guardian_add(request, public_id):
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
