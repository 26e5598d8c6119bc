from django.urls import path

from inklusio.imports import views

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("skabelon/<str:kind>.<str:fmt>", views.import_template, name="import-template"),
    path("<uuid:public_id>/", views.import_detail, name="import-detail"),
    path("<uuid:public_id>/gennemfoer/", views.import_execute, name="import-execute"),
]
