from django.urls import path

from inklusio.screening import views

urlpatterns = [
    path("", views.round_list, name="screening-list"),
    path("<uuid:public_id>/", views.round_detail, name="screening-round"),
    path("<uuid:public_id>/afslut/", views.round_close, name="screening-close"),
]
