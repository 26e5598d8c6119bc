"""The register of data-subject requests: the overview, a child's requests with the form to
register one, one request with its answer, and ordering the export for it."""

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inklusio import access
from inklusio.audit.services import audit_listing, audit_shown
from inklusio.children.selectors import child_for_user
from inklusio.core.errors import DomainError
from inklusio.core.forms import show_refusal
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.jobs.services import job_request
from inklusio.privacy import selectors, services
from inklusio.privacy.forms import DataRequestForm, ExportForm, StatusForm
from inklusio.privacy.models import DataRequest

STATUS_SERVICES: dict[str, Callable[..., DataRequest]] = {
    "answer": services.data_request_answer,
    "extend": services.data_request_extend,
    "refuse": services.data_request_refuse,
}


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage_data_requests(request.user):
        raise Http404
    requests = list(selectors.data_requests_for(request.user))
    audit_listing(
        actor=request.user,
        object_type="datarequest",
        search_term="",
        children=[r.child for r in requests],
    )
    today = timezone.localdate()
    rows = [(r, r.is_overdue(today)) for r in requests]
    return render(request, "privacy/request_list.html", {"rows": rows})


@login_required
def child_requests(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    child = child_for_user(request.user, public_id, log=False)
    if not access.can_export_child_data(request.user, child):
        raise Http404
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.data_request_register(
                actor=request.user, child=child, **form.cleaned_data
            )
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Anmodningen er registreret."))
            return redirect("privacy-request", public_id=created.public_id)
    audit_shown(actor=request.user, obj=child, children=[child])
    context = {
        "child": child,
        "form": form,
        "requests": selectors.data_requests_of_child(request.user, child),
    }
    return render(request, "privacy/child_requests.html", context)


@login_required
def request_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    data_request = selectors.data_request_for(request.user, public_id)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        arguments = {} if action == "answer" else {"reason": reason}
        try:
            STATUS_SERVICES[action](actor=request.user, request=data_request, **arguments)
        except DomainError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Anmodningens status er gemt."))
            return redirect("privacy-request", public_id=data_request.public_id)
    return _detail(request, data_request, form)


def _detail(
    request: AuthenticatedHttpRequest, data_request: DataRequest, form: StatusForm
) -> HttpResponse:
    audit_shown(actor=request.user, obj=data_request, children=[data_request.child])
    context = {
        "data_request": data_request,
        "overdue": data_request.is_overdue(),
        "form": form,
        "export_form": ExportForm(),
    }
    return render(request, "privacy/request_detail.html", context)


@login_required
@require_POST
def request_export(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    data_request = selectors.data_request_for(request.user, public_id)
    if not access.can_export_child_data(request.user, data_request.child):
        raise Http404
    form = ExportForm(request.POST)
    form.is_valid()  # one optional check box: anything else means "not ticked"
    params = {
        "child": str(data_request.child.public_id),
        "request": str(data_request.public_id),
        "staff_roles": bool(form.cleaned_data.get("staff_roles")),
    }
    job = job_request(actor=request.user, kind=services.EXPORT_JOB_KIND, params=params)
    return redirect("job-detail", job.public_id)
