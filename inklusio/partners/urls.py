from django.urls import path

from inklusio.partners import views

urlpatterns = [
    path("", views.directory, name="partner-directory"),
    path("organisationer/ny/", views.organisation_create, name="partner-organisation-create"),
    path(
        "organisationer/<uuid:public_id>/",
        views.organisation_edit,
        name="partner-organisation-edit",
    ),
    path(
        "organisationer/<uuid:public_id>/deaktiver/",
        views.organisation_deactivate,
        name="partner-organisation-deactivate",
    ),
    path("personer/ny/", views.person_create, name="partner-person-create"),
    path("personer/<uuid:public_id>/", views.person_edit, name="partner-person-edit"),
    path(
        "personer/<uuid:public_id>/deaktiver/",
        views.person_deactivate,
        name="partner-person-deactivate",
    ),
    path("invitationer/", views.invitation_list, name="partner-invitations"),
    path(
        "invitationer/<uuid:public_id>/afslut/",
        views.invitation_end,
        name="partner-invitation-end",
    ),
    path("inviter/barn/<uuid:public_id>/", views.invite_to_child, name="partner-invite-child"),
    path("inviter/handleplan/<uuid:public_id>/", views.invite_to_plan, name="partner-invite-plan"),
    path(
        "inviter/handleplansmoede/<uuid:public_id>/",
        views.invite_to_plan_meeting,
        name="partner-invite-plan-meeting",
    ),
    path(
        "inviter/konsultativt-moede/<uuid:public_id>/",
        views.invite_to_meeting,
        name="partner-invite-meeting",
    ),
]
