"""What each role's start page shows."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from inklusio import access
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown
from inklusio.children.selectors import visible_children
from inklusio.core.plugins import page_sections
from inklusio.organisation.models import Municipality
from inklusio.people.models import PedagogueAttachment, Role, User

DEMO_PASSWORD = "inklusio-demo"  # noqa: S105 - listed in the README, only for the loaded demo


def demo_logins() -> list[User]:
    """One demo login per role, shown on the login page only outside production."""
    if not settings.DEMO_LOGINS_ENABLED:
        return []
    demo = Municipality.objects.filter(slug="ishoj").first()
    if demo is None:
        return []
    users = User.objects.filter(municipality=demo, is_active=True, username__startswith="demo-")
    return list(users.order_by("username").select_related("institution"))


def start_page_for(user: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "role": user.role,
        "institution_count": access.institutions_visible_to(user).count(),
        "can_view_audit_log": access.can_view_audit_log(user),
        "can_add_children": access.can_add_children(user),
    }
    if user.role == Role.PEDAGOGUE:
        context["attachments"] = (
            PedagogueAttachment.objects.current()
            .filter(pedagogue=user)
            .select_related("institution")
        )
    if user.role == Role.CORPS_LEADER:
        context["attachments"] = (
            PedagogueAttachment.objects.in_municipality_of(user)
            .current()
            .select_related("institution", "pedagogue")
            .order_by("pedagogue__first_name", "institution__name")
        )
    context["child_count"] = visible_children(user).in_daycare().count()
    context["children_url"] = reverse(
        "child-list" if access.can_list_children(user) else "family-home"
    )
    context["panels"] = page_sections("start_page", user)
    # One entry for the page: every child a panel names (a panel lists them as "children").
    audit_shown(
        actor=user,
        obj=None,
        object_type="startpage",
        action=AuditAction.SEARCH,
        children=[child for panel in context["panels"] for child in panel.get("children", ())],
    )
    return context
