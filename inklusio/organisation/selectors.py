import uuid
from typing import Any

from django.db.models import Count, Q, QuerySet

from inklusio import access
from inklusio.organisation.models import Institution, ResourceGroup
from inklusio.people.models import PedagogueAttachment, User


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    return access.institutions_visible_to(user).annotate(
        resource_group_count=Count("resource_groups", distinct=True)
    )


def institutions_to_filter_by(user: User, rows: QuerySet[Any]) -> QuerySet[Institution]:
    """A list's institution filter: the institutions `user` sees, and those the listed `rows`
    (their visible plans, meetings …) belong to, as a partner invited to a plan sees it
    without seeing its institution."""
    return Institution.objects.filter(
        Q(pk__in=access.institutions_visible_to(user).values("pk"))
        | Q(pk__in=rows.values("institution_id"))
    )


def institution_for_user(user: User, public_id: uuid.UUID | str) -> Institution:
    institution: Institution = access.get_visible_or_404(
        access.institutions_visible_to(user), public_id=public_id
    )
    return institution


def attachments_of(institution: Institution) -> QuerySet[PedagogueAttachment]:
    return institution.attachments.select_related("pedagogue").order_by("pedagogue__first_name")


def resource_groups_visible_to(user: User) -> QuerySet[ResourceGroup]:
    return (
        access.resource_groups_visible_to(user)
        .select_related("institution")
        .annotate(occupied=Count("children", distinct=True))
    )


def resource_group_for_user(user: User, public_id: uuid.UUID | str) -> ResourceGroup:
    group: ResourceGroup = access.get_visible_or_404(
        resource_groups_visible_to(user), public_id=public_id
    )
    return group
