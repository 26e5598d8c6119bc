from django.urls import path

from inklusio.privacy import views

urlpatterns = [
    path("", views.request_list, name="privacy-requests"),
    path("barn/<uuid:public_id>/", views.child_requests, name="privacy-child"),
    path("<uuid:public_id>/", views.request_detail, name="privacy-request"),
    path("<uuid:public_id>/udtraek/", views.request_export, name="privacy-export"),
]
