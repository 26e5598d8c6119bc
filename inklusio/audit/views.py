from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from inklusio import access
from inklusio.audit import selectors
from inklusio.audit.forms import AuditSearchForm


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
    )
    page = Paginator(entries, 50).get_page(request.GET.get("side"))
    return render(request, "audit/audit_log.html", {"form": form, "page": page})
