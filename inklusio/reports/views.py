"""Statistics pages, downloads and the annual report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from inklusio import access
from inklusio.core.http import CSV, PDF, XLSX, file_response
from inklusio.organisation.models import Institution
from inklusio.reports.charts import bar_chart
from inklusio.reports.exports import table_csv, tables_xlsx
from inklusio.reports.forms import ReportForm, StatisticsFilterForm
from inklusio.reports.registry import TABLES, TITLES, build_table
from inklusio.reports.report import annual_report_pdf


def _allowed(request) -> None:
    if not access.can_view_statistics(request.user):
        raise Http404


def _filter_form(request) -> StatisticsFilterForm:
    return StatisticsFilterForm(
        request.GET or None,
        institutions=Institution.objects.in_municipality_of(request.user).order_by("name"),
    )


def _table(request, name: str, form: StatisticsFilterForm):
    if name not in TABLES:
        raise Http404
    return build_table(name, request.user.municipality, **form.filters())


@login_required
def index(request):
    _allowed(request)
    titles = [(name, TITLES[name]) for name in sorted(TABLES)]
    return render(
        request,
        "reports/index.html",
        {"tables": titles, "report_form": ReportForm(), "query": request.GET.urlencode()},
    )


@login_required
def table_view(request, name):
    _allowed(request)
    form = _filter_form(request)
    table = _table(request, name, form)
    return render(
        request,
        "reports/table.html",
        {
            "name": name,
            "form": form,
            "table": table,
            "chart": bar_chart(table),
            "query": request.GET.urlencode(),
            "slug": request.user.municipality.slug,
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
    _allowed(request)
    form = _filter_form(request)
    tables = {name: _table(request, name, form) for name in sorted(TABLES)}
    return file_response(tables_xlsx(tables), "statistik.xlsx", XLSX)


@login_required
def annual_report(request):
    _allowed(request)
    form = ReportForm(request.GET or None)
    if not form.is_valid():
        tables = [(name, TITLES[name]) for name in sorted(TABLES)]
        return render(request, "reports/index.html", {"tables": tables, "report_form": form})
    year = form.cleaned_data["year"]
    pdf = annual_report_pdf(request.user.municipality, year)
    return file_response(pdf, f"aarsrapport-{year}.pdf", PDF, download=False)
