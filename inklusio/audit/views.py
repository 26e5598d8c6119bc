from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from inklusio import access
from inklusio.audit import selectors
from inklusio.audit.forms import AuditSearchForm
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record


@login_required
def audit_log(request):
    if not access.can_view_audit_log(request.user):
        raise Http404
    form = AuditSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries_for(
        request.user,
        child=criteria.get("child", ""),
        actor=criteria.get("user", ""),
        action=criteria.get("action", ""),
        date_from=criteria.get("date_from"),
        date_to=criteria.get("date_to"),
        term=criteria.get("term", ""),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    # The count and the rows are read before this read is logged, so they agree.
    page.object_list = list(page.object_list)
    # Reading the log is itself a use of personal data: who looked for what, and which
    # children the page named.
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="auditlog",
        search_term=form.search_summary(),
        children=selectors.children_named_in(page.object_list),
    )
    return render(request, "audit/audit_log.html", {"form": form, "page": page})
