from django.urls import include, path

from inklusio.api import api, api_v1
from inklusio.audit import views as audit_views
from inklusio.children import views as child_views
from inklusio.core import views as core_views
from inklusio.organisation import views as organisation_views
from inklusio.people import oidc

urlpatterns = [
    path("", core_views.start, name="start"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", oidc.LogoutView.as_view(), name="logout"),
    # Single sign-on (docs/single-sign-on.md); 404 unless OIDC_RP_CLIENT_ID is set.
    path("oidc/login/", oidc.AuthenticateView.as_view(), name="oidc-login"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc-callback"),
    path("", include("inklusio.people.urls")),
    path("soeg/", core_views.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("institutioner/", organisation_views.institution_list, name="institution-list"),
    path(
        "institutioner/<uuid:public_id>/",
        organisation_views.institution_detail,
        name="institution-detail",
    ),
    path("ressourcegrupper/", organisation_views.resource_group_list, name="resource-group-list"),
    path(
        "ressourcegrupper/<uuid:public_id>/",
        organisation_views.resource_group_detail,
        name="resource-group-detail",
    ),
    path("boern/", child_views.child_list, name="child-list"),
    path("boern/ny/", child_views.child_create, name="child-create"),
    path("boern/<uuid:public_id>/", child_views.child_detail, name="child-detail"),
    path("boern/<uuid:public_id>/rediger/", child_views.child_edit, name="child-edit"),
    path("boern/<uuid:public_id>/cpr/", child_views.child_cpr_reveal, name="child-cpr-reveal"),
    path("boern/<uuid:public_id>/udtraek/", child_views.child_data_export, name="child-export"),
    path("boern/<uuid:public_id>/foraeldre/ny/", child_views.guardian_add, name="guardian-add"),
    path(
        "boern/<uuid:public_id>/foraeldre/<uuid:guardian_id>/rediger/",
        child_views.guardian_edit,
        name="guardian-edit",
    ),
    path("adgangslog/", audit_views.audit_log, name="audit-log"),
    path("visitation/", include("inklusio.referrals.urls")),
    path("forloeb/", include("inklusio.courses.urls")),
    path("statistik/", include("inklusio.reports.urls")),
    path("handleplaner/", include("inklusio.plans.urls")),
    path("konsultative-moeder/", include("inklusio.meetings.urls")),
    path("korps/", include("inklusio.planning.urls")),
    path("filer/", include("inklusio.jobs.urls")),
    path("indsigt/", include("inklusio.privacy.urls")),
    path("sletning/", include("inklusio.retention.urls")),
    path("i-dag/", include("inklusio.today.urls")),
    path("import/", include("inklusio.imports.urls")),
    path("familie/", include("inklusio.family.urls")),
    path("api/v1/", api_v1.urls),
    path("arkiv/", include("inklusio.archive.urls")),
    path("overgange/", include("inklusio.transitions.urls")),
    path("tidlig-opsporing/", include("inklusio.screening.urls")),
    path("samarbejdspartnere/", include("inklusio.partners.urls")),
    path("api/", api.urls),
]

# Danish error pages that render even when the error came before the session (core/error_pages.py).
handler400 = "inklusio.core.error_pages.bad_request"
handler403 = "inklusio.core.error_pages.permission_denied"
handler404 = "inklusio.core.error_pages.page_not_found"
handler500 = "inklusio.core.error_pages.server_error"
