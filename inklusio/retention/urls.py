from django.urls import path

from inklusio.retention import views

urlpatterns = [
    path("", views.retention_overview, name="retention-overview"),
    path("slet/", views.retention_run, name="retention-run"),
    path("frister/", views.retention_settings, name="retention-settings"),
]
