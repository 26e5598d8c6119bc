"""Statistics pages, downloads and the annual report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from inklusio import access
from inklusio.core.http import CSV, XLSX, AuthenticatedHttpRequest, file_response
from inklusio.jobs.services import job_request
from inklusio.organisation.models import Institution, Municipality
from inklusio.reports.charts import bar_chart
from inklusio.reports.exports import table_csv, tables_xlsx
from inklusio.reports.forms import ReportForm, StatisticsFilterForm
from inklusio.reports.job_kinds import workbook_params
from inklusio.reports.registry import TABLES, TITLES, Table, build_table
from inklusio.reports.report import default_year


def _allowed(request: AuthenticatedHttpRequest) -> None:
    if not access.can_view_statistics(request.user):
        raise Http404


def _municipality(request: AuthenticatedHttpRequest) -> Municipality:
    """The user's municipality, after `_allowed` (which lets only a user of one through)."""
    municipality = request.user.municipality
    if municipality is None:
        raise Http404
    return municipality


def _filter_form(
    request: AuthenticatedHttpRequest, data: QueryDict | None = None
) -> StatisticsFilterForm:
    return StatisticsFilterForm(
        (request.GET if data is None else data) or None,
        institutions=Institution.objects.in_municipality_of(request.user).order_by("name"),
    )


def _table(request: AuthenticatedHttpRequest, name: str, form: StatisticsFilterForm) -> Table:
    if name not in TABLES:
        raise Http404
    return build_table(name, _municipality(request), **form.filters())


def _index(
    request: AuthenticatedHttpRequest, report_form: ReportForm, status: int = 200
) -> HttpResponse:
    titles = sorted(((name, str(TITLES[name])) for name in TABLES), key=lambda t: t[1].casefold())
    context = {"tables": titles, "report_form": report_form, "query": request.GET.urlencode()}
    return render(request, "reports/index.html", context, status=status)


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _allowed(request)
    return _index(request, ReportForm(initial={"year": default_year(_municipality(request))}))


@login_required
def table_view(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    _allowed(request)
    form = _filter_form(request)
    # The page shows the same suppressed figures as the CSV, the workbook and the report.
    table = _table(request, name, form).suppressed()
    return render(
        request,
        "reports/table.html",
        {
            "name": name,
            "form": form,
            "table": table,
            "chart": bar_chart(table),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def download(request: AuthenticatedHttpRequest, name: str, fmt: str) -> HttpResponse:
    _allowed(request)
    table = _table(request, name, _filter_form(request))
    if fmt == "csv":
        return file_response(table_csv(table), f"{name}.csv", CSV)
    if fmt == "xlsx":
        return file_response(tables_xlsx({name: table}), f"{name}.xlsx", XLSX)
    raise Http404


@login_required
def workbook(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET shows what will be in the workbook; POST asks the worker to make it."""
    _allowed(request)
    if request.method != "POST":
        form = _filter_form(request)
        return render(
            request, "reports/workbook.html", {"form": form, "query": request.GET.urlencode()}
        )
    form = _filter_form(request, QueryDict(request.POST.get("query", "")))
    job = job_request(
        actor=request.user, kind="statistics-workbook", params=workbook_params(form.filters())
    )
    return redirect("job-detail", job.public_id)


@login_required
def annual_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The report is made by the worker; the user is taken to its page and fetches it there."""
    _allowed(request)
    form = ReportForm(request.POST if request.method == "POST" else request.GET or None)
    if request.method != "POST" or not form.is_valid():
        return _index(request, form)
    job = job_request(
        actor=request.user, kind="annual-report", params={"year": form.cleaned_data["year"]}
    )
    return redirect("job-detail", job.public_id)
