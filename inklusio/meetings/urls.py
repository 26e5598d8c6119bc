from django.urls import path

from inklusio.meetings import views

urlpatterns = [
    path("", views.meeting_list, name="consultative-list"),
    path("<uuid:public_id>/", views.meeting_detail, name="consultative-detail"),
    path("<uuid:public_id>/kalender.ics", views.meeting_ics, name="consultative-ics"),
    path(
        "punkter/<uuid:public_id>/anbefaling/", views.recommendation_add, name="recommendation-add"
    ),
    path(
        "anbefalinger/<uuid:public_id>/handleplan/",
        views.recommendation_to_plan,
        name="recommendation-to-plan",
    ),
    path("samtykke/<uuid:public_id>/", views.consents, name="consents"),
    path("samtykke/<uuid:public_id>/tilbagekald/", views.consent_withdraw, name="consent-withdraw"),
]
