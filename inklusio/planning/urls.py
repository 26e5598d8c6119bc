from django.urls import path

from inklusio.planning import views

urlpatterns = [
    path("", views.overview, name="planning-overview"),
    path("ugeplan/<uuid:public_id>/", views.plan_detail, name="planning-plan"),
    path("ugeplan/<uuid:public_id>/fravaer/", views.plan_replan, name="planning-replan"),
    path("ugeplan/<uuid:public_id>/rediger/", views.plan_slot_edit, name="planning-slot-edit"),
    path("ugeplan/<uuid:public_id>/beregn/", views.plan_resolve, name="planning-resolve"),
    path("ugeplan/<uuid:public_id>/offentliggoer/", views.plan_publish, name="planning-publish"),
    path("kontrakt/<uuid:public_id>/", views.contract_edit, name="planning-contract"),
    path(
        "kontrakt/<uuid:public_id>/fravaer/<int:absence_id>/slet/",
        views.absence_delete,
        name="planning-absence-delete",
    ),
    path("kalender/ny/", views.calendar_feed_create, name="planning-feed-create"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="planning-feed"),
]
