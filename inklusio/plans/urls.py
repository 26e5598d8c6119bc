from django.urls import path

from inklusio.plans import goal_bank_views, views

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("ny/", views.plan_create, name="plan-create"),
    path("<uuid:public_id>/", views.plan_detail, name="plan-detail"),
    path("<uuid:public_id>/rediger/", views.plan_edit, name="plan-edit"),
    path("<uuid:public_id>/versioner/", views.plan_versions, name="plan-versions"),
    path("<uuid:public_id>/pdf/", views.plan_pdf, name="plan-pdf"),
    path("<uuid:public_id>/juster/", views.adjustment_propose, name="plan-adjust"),
    path("<uuid:public_id>/moeder/ny/", views.meeting_create, name="plan-meeting-create"),
    path("<uuid:public_id>/afslut/", views.plan_close, name="plan-close"),
    path("<uuid:public_id>/genaabn/", views.plan_reopen, name="plan-reopen"),
    path("<uuid:public_id>/indsigelse/", views.plan_resolve, name="plan-resolve"),
    path("justeringer/<uuid:public_id>/", views.adjustment_decide, name="adjustment-decide"),
    path("moeder/<uuid:public_id>/", views.meeting_detail, name="plan-meeting"),
    path("moeder/<uuid:public_id>/kalender.ics", views.meeting_ics, name="plan-meeting-ics"),
    path("maalbank/", goal_bank_views.goal_bank_list, name="goal-bank"),
    path("maalbank/ny/", goal_bank_views.goal_bank_create, name="goal-bank-create"),
    path("maalbank/<uuid:public_id>/", goal_bank_views.goal_bank_edit, name="goal-bank-edit"),
    path(
        "maalbank/<uuid:public_id>/udgaa/",
        goal_bank_views.goal_bank_retire,
        name="goal-bank-retire",
    ),
]
