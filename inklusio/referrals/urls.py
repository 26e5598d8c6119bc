from django.urls import path

from inklusio.referrals import views

urlpatterns = [
    path("", views.overview, name="visitation-overview"),
    path("indstillinger/ny/", views.referral_create, name="referral-create"),
    path("indstillinger/<uuid:public_id>/", views.referral_detail, name="referral-detail"),
    path("indstillinger/<uuid:public_id>/rediger/", views.referral_edit, name="referral-edit"),
    path("indstillinger/<uuid:public_id>/indsend/", views.referral_submit, name="referral-submit"),
    path(
        "indstillinger/<uuid:public_id>/tilfoejelse/",
        views.referral_addendum,
        name="referral-addendum",
    ),
    path(
        "indstillinger/<uuid:public_id>/bilag/",
        views.referral_attachment,
        name="referral-attachment",
    ),
    path("bilag/<uuid:public_id>/", views.attachment_download, name="attachment-download"),
    path("perioder/ny/", views.period_create, name="period-create"),
    path("lovgrundlag/", views.legal_bases, name="visitation-legal-bases"),
    path("moeder/ny/", views.meeting_create, name="meeting-create"),
    path("moeder/<uuid:public_id>/", views.meeting_detail, name="meeting-detail"),
    path(
        "moeder/<uuid:public_id>/afgoer/<uuid:referral_id>/",
        views.meeting_decide,
        name="meeting-decide",
    ),
    path("revurderinger/", views.reassessment_list, name="reassessment-list"),
    path("venteliste/", views.waiting_list, name="waiting-list"),
    path("afgoerelser/<uuid:public_id>/", views.decision_detail, name="decision-detail"),
    path("afgoerelser/<uuid:public_id>/brev/", views.letter_issue, name="letter-issue"),
    path("afgoerelser/<uuid:public_id>/startet/", views.decision_placed, name="decision-placed"),
    path("afgoerelser/<uuid:public_id>/ophoer/", views.decision_end, name="decision-end"),
    path(
        "afgoerelser/<uuid:public_id>/revurder/", views.decision_reassess, name="decision-reassess"
    ),
    path("afgoerelser/<uuid:public_id>/klage/", views.appeal_create, name="appeal-create"),
    path("breve/<uuid:public_id>/", views.letter_download, name="letter-download"),
    path("breve/<uuid:public_id>/sendt/", views.letter_sent, name="letter-sent"),
    path("klager/<uuid:public_id>/fasthold/", views.appeal_uphold, name="appeal-uphold"),
    path("klager/<uuid:public_id>/aendr/", views.appeal_change, name="appeal-change"),
    path("klager/<uuid:public_id>/sagsakter/", views.appeal_bundle, name="appeal-bundle"),
]
