from django.urls import path

from inklusio.jobs import views

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<uuid:public_id>/", views.job_detail, name="job-detail"),
    path("<uuid:public_id>/fil/", views.job_download, name="job-download"),
    path("<uuid:public_id>/igen/", views.job_retry, name="job-retry"),
]
