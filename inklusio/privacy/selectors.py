"""The register as the administration sees it: its own municipality's requests only."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from inklusio import access
from inklusio.children.models import Child
from inklusio.people.models import User
from inklusio.privacy.models import DataRequest


def data_requests_for(user: User) -> QuerySet[DataRequest]:
    return access.data_requests_visible_to(user).select_related("child")


def data_requests_of_child(user: User, child: Child) -> QuerySet[DataRequest]:
    return data_requests_for(user).filter(child=child)


def data_request_for(user: User, public_id: uuid.UUID) -> DataRequest:
    return access.get_visible_or_404(
        data_requests_for(user).select_related("export_job"), public_id=public_id
    )
