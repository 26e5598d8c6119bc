from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.people.models import Role


def navigation(request):
    """Main menu entries the signed-in user may use."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return {"nav_items": []}
    items = [("start", _("Forside"))]
    if access.can_use_today(user):
        items.append(("today", _("I dag")))
    if access.can_use_family_page(user):
        items.append(("family-home", _("Mit barn")))
    if user.role != Role.GUARDIAN:
        items += [
            ("institution-list", _("Institutioner")),
            ("resource-group-list", _("Ressourcegrupper")),
        ]
    items.append(("child-list", _("Børn")))
    if access.can_use_visitation(user):
        items.append(("visitation-overview", _("Visitation")))
    if access.can_use_plans(user):
        items.append(("plan-list", _("Handleplaner")))
    if access.can_use_messages(user):
        items.append(("message-list", _("Beskeder")))
    if access.can_use_consultative_meetings(user):
        items.append(("consultative-list", _("Konsultative møder")))
    if access.can_use_screening(user):
        items.append(("screening-list", _("Tidlig opsporing")))
    if access.can_use_partner_invitations(user):
        items.append(("partner-invitations", _("Samarbejdspartnere")))
    if access.can_use_courses(user):
        items.append(("course-overview", _("Ressourceforløb")))
    if access.can_view_planning(user):
        items.append(("planning-overview", _("Korpsplan")))
    if access.can_view_statistics(user):
        items.append(("statistics-index", _("Statistik")))
    if access.can_request_jobs(user):
        items.append(("job-list", _("Mine filer")))
    if access.can_view_audit_log(user):
        items.append(("audit-log", _("Adgangslog")))
    if access.can_manage_retention(user):
        items.append(("retention-overview", _("Sletning")))
    if access.can_import(user):
        items.append(("import-list", _("Import")))
    if access.can_export_municipality(user):
        items.append(("archive-export", _("Arkiv")))
    return {"nav_items": items}
