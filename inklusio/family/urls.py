from django.urls import path

from inklusio.family import views

urlpatterns = [
    path("", views.family_home, name="family-home"),
    path("barn/<uuid:public_id>/", views.family_child, name="family-child"),
    path("barn/<uuid:public_id>/samtykke/", views.family_consent_give, name="family-consent-give"),
    path("forloebsbrev/<uuid:public_id>/", views.family_course_letter, name="family-course-letter"),
    path("beskeder/", views.message_list, name="message-list"),
    path("beskeder/<uuid:public_id>/", views.plan_messages, name="plan-messages"),
    path("beskeder/<uuid:public_id>/laest/", views.plan_messages_read, name="plan-messages-read"),
]
