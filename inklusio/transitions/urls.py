from django.urls import path

from inklusio.transitions import views

urlpatterns = [
    path("", views.handover_list, name="handover-list"),
    path("ny/<uuid:public_id>/", views.handover_create, name="handover-create"),
    path("<uuid:public_id>/", views.handover_detail, name="handover-detail"),
    path("<uuid:public_id>/del/", views.handover_share, name="handover-share"),
    path("<uuid:public_id>/moede/", views.handover_meeting, name="handover-meeting"),
    path("<uuid:public_id>/overgang.pdf", views.handover_pdf, name="handover-pdf"),
]
