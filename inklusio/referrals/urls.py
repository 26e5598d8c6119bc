from django.urls import path

from inklusio.referrals.views import appeals, committee, decisions, letters, referrals, waiting

urlpatterns = [
    path("", referrals.overview, name="visitation-overview"),
    path("indstillinger/ny/", referrals.referral_create, name="referral-create"),
    path("indstillinger/<uuid:public_id>/", referrals.referral_detail, name="referral-detail"),
    path("indstillinger/<uuid:public_id>/rediger/", referrals.referral_edit, name="referral-edit"),
    path(
        "indstillinger/<uuid:public_id>/indsend/", referrals.referral_submit, name="referral-submit"
    ),
    path(
        "indstillinger/<uuid:public_id>/traek-tilbage/",
        referrals.referral_withdraw,
        name="referral-withdraw",
    ),
    path(
        "indstillinger/<uuid:public_id>/tilfoejelse/",
        referrals.referral_addendum,
        name="referral-addendum",
    ),
    path(
        "indstillinger/<uuid:public_id>/bilag/",
        referrals.referral_attachment,
        name="referral-attachment",
    ),
    path("bilag/<uuid:public_id>/", referrals.attachment_download, name="attachment-download"),
    path("perioder/ny/", committee.period_create, name="period-create"),
    path("lovgrundlag/", committee.legal_bases, name="visitation-legal-bases"),
    path("moeder/ny/", committee.committee_meeting_create, name="meeting-create"),
    path("moeder/<uuid:public_id>/", committee.meeting_detail, name="meeting-detail"),
    path(
        "moeder/<uuid:public_id>/afgoer/<uuid:referral_id>/",
        committee.meeting_decide,
        name="meeting-decide",
    ),
    path("revurderinger/", committee.reassessment_list, name="reassessment-list"),
    path("bevilget-ikke-startet/", committee.granted_not_started, name="granted-not-started"),
    path("venteliste/", waiting.waiting_list, name="waiting-list"),
    path("indstillinger/<uuid:public_id>/venteliste/", waiting.waiting_add, name="waiting-add"),
    path("venteliste/<uuid:public_id>/flyt/", waiting.waiting_move, name="waiting-move"),
    path("venteliste/<uuid:public_id>/fjern/", waiting.waiting_remove, name="waiting-remove"),
    path("venteliste/<uuid:public_id>/tilbyd/", waiting.waiting_offer, name="waiting-offer"),
    path("afgoerelser/<uuid:public_id>/", decisions.decision_detail, name="decision-detail"),
    path("afgoerelser/<uuid:public_id>/brev/", letters.letter_issue, name="letter-issue"),
    path(
        "afgoerelser/<uuid:public_id>/startet/", decisions.decision_placed, name="decision-placed"
    ),
    path("afgoerelser/<uuid:public_id>/ophoer/", decisions.decision_end, name="decision-end"),
    path(
        "afgoerelser/<uuid:public_id>/revurder/",
        decisions.decision_reassess,
        name="decision-reassess",
    ),
    path("afgoerelser/<uuid:public_id>/klage/", appeals.appeal_create, name="appeal-create"),
    path("breve/<uuid:public_id>/", letters.letter_download, name="letter-download"),
    path("breve/<uuid:public_id>/sendt/", letters.letter_sent, name="letter-sent"),
    path("klager/<uuid:public_id>/fasthold/", appeals.appeal_uphold, name="appeal-uphold"),
    path("klager/<uuid:public_id>/aendr/", appeals.appeal_change, name="appeal-change"),
    path("klager/<uuid:public_id>/sagsakter/", appeals.appeal_bundle, name="appeal-bundle"),
]
