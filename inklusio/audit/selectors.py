from django.db.models import Q, QuerySet

from inklusio.audit.models import AuditEntry
from inklusio.people.models import User


def audit_entries_for(
    user: User, *, child="", actor="", action="", date_from=None, date_to=None
) -> QuerySet[AuditEntry]:
    """The municipality's own log, searchable by child and by user (administrators only)."""
    entries = AuditEntry.objects.filter(municipality_id=user.municipality_id)
    if child:
        entries = entries.filter(child_name__icontains=child)
    if actor:
        entries = entries.filter(
            Q(actor_name__icontains=actor) | Q(actor__username__icontains=actor)
        )
    if action:
        entries = entries.filter(action=action)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries
