"""Statistics pages, downloads and the annual report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render

from inklusio import access
from inklusio.core.http import CSV, XLSX, file_response
from inklusio.jobs.services import job_request
from inklusio.organisation.models import Institution
from inklusio.reports.charts import bar_chart
from inklusio.reports.exports import table_csv, tables_xlsx
from inklusio.reports.forms import ReportForm, StatisticsFilterForm
from inklusio.reports.job_kinds import workbook_params
from inklusio.reports.registry import TABLES, TITLES, build_table
from inklusio.reports.report import default_year


def _allowed(request) -> None:
    if not access.can_view_statistics(request.user):
        raise Http404


def _filter_form(request, data: QueryDict | None = None) -> StatisticsFilterForm:
    return StatisticsFilterForm(
        (request.GET if data is None else data) or None,
        institutions=Institution.objects.in_municipality_of(request.user).order_by("name"),
    )


def _table(request, name: str, form: StatisticsFilterForm):
    if name not in TABLES:
        raise Http404
    return build_table(name, request.user.municipality, **form.filters())


def _index(request, report_form: ReportForm, status: int = 200):
    titles = sorted(((name, str(TITLES[name])) for name in TABLES), key=lambda t: t[1].casefold())
    context = {"tables": titles, "report_form": report_form, "query": request.GET.urlencode()}
    return render(request, "reports/index.html", context, status=status)


@login_required
def index(request):
    _allowed(request)
    return _index(request, ReportForm(initial={"year": default_year(request.user.municipality)}))


@login_required
def table_view(request, name):
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
def download(request, name, fmt):
    _allowed(request)
    table = _table(request, name, _filter_form(request))
    if fmt == "csv":
        return file_response(table_csv(table), f"{name}.csv", CSV)
    if fmt == "xlsx":
        return file_response(tables_xlsx({name: table}), f"{name}.xlsx", XLSX)
    raise Http404


@login_required
def workbook(request):
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
def annual_report(request):
    """The report is made by the worker; the user is taken to its page and fetches it there."""
    _allowed(request)
    form = ReportForm(request.POST if request.method == "POST" else request.GET or None)
    if request.method != "POST" or not form.is_valid():
        return _index(request, form)
    job = job_request(
        actor=request.user, kind="annual-report", params={"year": form.cleaned_data["year"]}
    )
    return redirect("job-detail", job.public_id)
