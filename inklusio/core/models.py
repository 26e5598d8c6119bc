"""Tenancy: every record belongs to exactly one municipality."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from inklusio.people.models import User


class TenantQuerySet(models.QuerySet):
    """The one query helper that scopes any tenant model to a user's municipality.

    Every selector starts from `Model.objects.in_municipality_of(user)`; a user without a
    municipality (or an anonymous one) gets nothing, so a missing scope fails closed.
    """

    def in_municipality_of(self, user: User) -> Self:
        municipality_id = getattr(user, "municipality_id", None)
        if not getattr(user, "is_authenticated", False) or municipality_id is None:
            return self.none()
        return self.filter(municipality_id=municipality_id)


def municipality_id_of(user: User) -> int:
    """The municipality a user acts in; a user without one may change nothing (fails closed)."""
    if user.municipality_id is None:
        raise PermissionDenied
    return user.municipality_id


class TenantModel(models.Model):
    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Rating(models.TextChoices):
    """Yes, partly or no: how an evaluation answers, e.g. whether methods became everyday practice."""

    YES = "yes", _("Ja")
    PARTLY = "partly", _("Delvist")
    NO = "no", _("Nej")
