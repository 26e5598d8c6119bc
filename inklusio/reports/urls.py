from django.urls import path

from inklusio.reports import views

urlpatterns = [
    path("", views.index, name="statistics-index"),
    path("aarsrapport/", views.annual_report, name="statistics-report"),
    path("alle/", views.workbook, name="statistics-workbook"),
    path("<slug:name>/", views.table_view, name="statistics-table"),
    path("<slug:name>.<str:fmt>", views.download, name="statistics-download"),
]
