from django.urls import path

from inklusio.archive import views

urlpatterns = [
    path("", views.archive_export, name="archive-export"),
]
