from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property

from inklusio import access
from inklusio.audit import selectors
from inklusio.audit.forms import AuditSearchForm, criteria_from, form_showing, search_summary
from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.audit.services import audit_record
from inklusio.core.http import AuthenticatedHttpRequest
from inklusio.core.saved_search import SEARCH_PARAMETER, recall_search, remember_search

_SEARCH_KIND = "auditlog"
PER_PAGE = 50
MAX_PAGES = 100


class CountedUpToPaginator(Paginator[AuditEntry]):
    """Pages of which at most `max_pages` are reached: counting every entry of a log that grows
    with each page anybody reads costs more every year, and nobody pages through thousands;
    an older entry is found by searching a period. `capped` says there are more."""

    object_list: QuerySet[AuditEntry]

    def __init__(self, object_list: QuerySet[AuditEntry], per_page: int, max_pages: int) -> None:
        super().__init__(object_list, per_page)
        self.max_pages = max_pages
        self.limit = max_pages * per_page

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.limit + 1].count()

    @cached_property
    def capped(self) -> bool:
        return self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, self.max_pages)


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Searches come by POST and are shown under a session token: a term may be a CPR number."""
    if not access.can_view_audit_log(request.user):
        raise Http404
    form = AuditSearchForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        token = remember_search(request.session, _SEARCH_KIND, form.saved_criteria())
        return redirect(f"{reverse('audit-log')}?{SEARCH_PARAMETER}={token}")
    saved = recall_search(request.session, _SEARCH_KIND, request.GET.get(SEARCH_PARAMETER))
    entries = selectors.audit_entries_for(request.user, **criteria_from(saved))
    page = CountedUpToPaginator(entries, PER_PAGE, MAX_PAGES).get_page(request.GET.get("side"))
    # The count and the rows are read before this read is logged, so they agree.
    page.object_list = list(page.object_list)
    # Reading the log is itself a use of personal data: who looked for what, and which
    # children the page named.
    audit_record(
        actor=request.user,
        action=AuditAction.SEARCH,
        object_type="auditlog",
        search_term=search_summary(saved),
        children=selectors.children_named_in(page.object_list),
    )
    form = form if form.is_bound else form_showing(saved)
    return render(request, "audit/audit_log.html", {"form": form, "page": page})
