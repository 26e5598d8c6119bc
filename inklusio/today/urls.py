from django.urls import path

from inklusio.today import views

urlpatterns = [
    path("", views.today, name="today"),
    path("paamindelser/", views.reminder_settings, name="reminder-settings"),
]
