from django.urls import path

from inklusio.courses import views

urlpatterns = [
    path("", views.overview, name="course-overview"),
    path("opgaver/ny/", views.task_create, name="task-create"),
    path("opgaver/<uuid:public_id>/", views.task_detail, name="task-detail"),
    path("ny/", views.course_create, name="course-create"),
    path("<uuid:public_id>/", views.course_detail, name="course-detail"),
    path("<uuid:public_id>/rediger/", views.course_edit, name="course-edit"),
    path("<uuid:public_id>/afslut/", views.course_close, name="course-close"),
    path("<uuid:public_id>/deltagere/", views.participant_add, name="participant-add"),
    path("<uuid:public_id>/samlinger/", views.session_plan, name="session-plan"),
    path("<uuid:public_id>/observationer/", views.observation_add, name="observation-add"),
    path("deltagere/<uuid:public_id>/brev/", views.participant_letter, name="participant-letter"),
    path(
        "deltagere/<uuid:public_id>/brev/givet/",
        views.participant_letter_given,
        name="participant-letter-given",
    ),
    path(
        "deltagere/<uuid:public_id>/effekt/<str:phase>/",
        views.measure_record,
        name="measure-record",
    ),
    path("samlinger/<uuid:public_id>/", views.session_record, name="session-record"),
]
