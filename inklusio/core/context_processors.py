import time

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inklusio import access
from inklusio.people.models import Role

MENU_LABELS = {
    "start": _("Forside"),
    "today": _("I dag"),
    "family-home": _("Mit barn"),
    "institution-list": _("Institutioner"),
    "resource-group-list": _("Ressourcegrupper"),
    "child-list": _("Børn"),
    "visitation-overview": _("Visitation"),
    "plan-list": _("Handleplaner"),
    "message-list": _("Beskeder"),
    "consultative-list": _("Konsultative møder"),
    "screening-list": _("Tidlig opsporing"),
    "partner-invitations": _("Samarbejdspartnere"),
    "course-overview": _("Ressourceforløb"),
    "planning-overview": _("Korpsplan"),
    "statistics-index": _("Statistik"),
    "job-list": _("Mine filer"),
    "audit-log": _("Adgangslog"),
    "retention-overview": _("Sletning"),
    "import-list": _("Import"),
    "archive-export": _("Arkiv"),
}
MENU_SESSION_KEY = "menu"


def navigation(request):
    """Main menu entries the signed-in user may use: address, label and whether it is the page
    shown, worked out once for the two menus of the page frame (wide and compact)."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return {"nav_items": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    names = _kept_menu(request, user)
    return {
        "nav_items": [
            {"url": reverse(name), "label": MENU_LABELS[name], "current": name == current}
            for name in names
        ],
        # The header's search finds children, so it is offered where the list of them is.
        "offers_search": "child-list" in names,
    }


def _kept_menu(request, user) -> list[str]:
    """The menu is links, not access: every page asks the access rules itself. Working the
    entries out asks up to eight rules, a third of a simple page's work, so the session keeps
    them for settings.MENU_SECONDS; a change of access shows in the menu within that time."""
    session = getattr(request, "session", None)
    if session is None or settings.MENU_SECONDS <= 0:
        return menu_entries(user)
    now = int(time.time())
    kept = session.get(MENU_SESSION_KEY)
    if kept and kept["user"] == user.pk and 0 <= now - kept["at"] < settings.MENU_SECONDS:
        # A session from before a release may name an entry that is gone.
        return [name for name in kept["names"] if name in MENU_LABELS]
    names = menu_entries(user)
    session[MENU_SESSION_KEY] = {"user": user.pk, "at": now, "names": names}
    return names


def menu_entries(user) -> list[str]:
    """The url names of the menu entries the user may use now."""
    names = ["start"]
    if access.can_use_today(user):
        names.append("today")
    if access.can_use_family_page(user):
        names.append("family-home")
    if user.role != Role.GUARDIAN:
        names += ["institution-list", "resource-group-list"]
    if access.can_list_children(user):
        names.append("child-list")
    checks = [
        ("visitation-overview", access.can_use_visitation),
        ("plan-list", access.can_use_plans),
        ("message-list", access.can_use_messages),
        ("consultative-list", access.can_use_consultative_meetings),
        ("screening-list", access.can_use_screening),
        ("partner-invitations", access.can_use_partner_invitations),
        ("course-overview", access.can_use_courses),
        ("planning-overview", access.can_view_planning),
        ("statistics-index", access.can_view_statistics),
        ("job-list", access.can_request_jobs),
        ("audit-log", access.can_view_audit_log),
        ("retention-overview", access.can_manage_retention),
        ("import-list", access.can_import),
        ("archive-export", access.can_export_municipality),
    ]
    names += [name for name, may_use in checks if may_use(user)]
    return names
