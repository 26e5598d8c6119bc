from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from inklusio.children.selectors import children_list_for
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.organisation import selectors


@login_required
def institution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "organisation/institution_list.html",
        {"institutions": selectors.institutions_visible_to(request.user)},
    )


@login_required
def institution_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    institution = selectors.institution_for_user(request.user, public_id)
    return render(
        request,
        "organisation/institution_detail.html",
        {
            "institution": institution,
            "rooms": institution.rooms.all(),
            "resource_groups": selectors.resource_groups_visible_to(request.user).filter(
                institution=institution
            ),
            "attachments": selectors.attachments_of(institution),
            "children": children_list_for(request.user, institution=institution),
        },
    )


@login_required
def resource_group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "organisation/resource_group_list.html",
        {"resource_groups": selectors.resource_groups_visible_to(request.user)},
    )


@login_required
def resource_group_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    group = selectors.resource_group_for_user(request.user, public_id)
    return render(
        request,
        "organisation/resource_group_detail.html",
        {"group": group, "children": children_list_for(request.user, resource_group=group)},
    )
