from django.urls import path

from inklusio.people import views

urlpatterns = [
    path("login/kode/", views.two_factor_verify, name="two-factor-verify"),
    path("konto/", views.account, name="account"),
    path("konto/anden-faktor/", views.two_factor_enrol, name="two-factor-enrol"),
    path(
        "konto/anden-faktor/gendannelseskoder/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("konto/adgangskode/", views.PasswordChangeView.as_view(), name="password-change"),
    path("konto/api-noegler/", views.api_tokens, name="api-tokens"),
    path(
        "konto/api-noegler/<uuid:public_id>/tilbagekald/",
        views.api_token_revoke,
        name="api-token-revoke",
    ),
    path("konto/brugere/", views.second_factor_users, name="second-factor-users"),
    path("konto/ny-bruger/", views.user_create, name="user-create"),
    path("konto/brugere/<str:username>/", views.user_edit, name="user-edit"),
    path("konto/brugere/<str:username>/luk/", views.user_deactivate, name="user-deactivate"),
    path("konto/brugere/<str:username>/genaabn/", views.user_reactivate, name="user-reactivate"),
    path(
        "konto/brugere/<str:username>/nulstil-anden-faktor/",
        views.second_factor_reset,
        name="second-factor-reset",
    ),
    path("adgangskode/glemt/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "adgangskode/glemt/sendt/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "adgangskode/ny/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "adgangskode/ny/faerdig/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
