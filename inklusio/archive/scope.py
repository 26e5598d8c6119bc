"""What a municipality's archive holds: every model of the app registry, found generically.

A model is in the archive when it belongs to one municipality: the municipality itself, a model
with a `municipality` key to it (every `TenantModel` and the users), a model of the audit log
with a plain `municipality_id` (its chain), or a model with a non-null key to a model already
in the archive (an audit entry's child links). Every other model is in `EXCLUDED` with the
reason; `tests/archive/test_archive_coverage.py` fails when a model is in neither, so a new
model cannot be left out of the archive by accident. Stored files are named by a field called
`stored_name` (or a `FileField`): the file goes into the archive with the record.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Model, QuerySet

ARCHIVE_JOB_KIND = "municipality-archive"

# Models no municipality's archive holds, with the reason (docs/archive.md).
EXCLUDED: dict[str, str] = {
    "auth.Permission": "made by `migrate` in every installation; roles are `User.role`",
    "auth.Group": "not used: roles are `User.role` (groups are left out of the users too)",
    "contenttypes.ContentType": "made by `migrate` in every installation",
    "sessions.Session": "sign-ins of this installation: users sign in again",
    "django_tasks_database.DBTaskResult": "the task runner's queue of this installation",
    "axes.AccessAttempt": "the lockout's counters of failed sign-ins of this installation",
    "axes.AccessAttemptExpiration": "the lockout's counters of this installation",
    "axes.AccessFailureLog": "the lockout's counters of this installation",
    "axes.AccessLog": "the lockout's record of sign-ins (the audit log has them)",
    "otp_totp.TOTPDevice": "a second factor's shared secret: users enrol again (docs/archive.md)",
    "otp_static.StaticDevice": "recovery codes of a second factor: users enrol again",
    "otp_static.StaticToken": "recovery codes of a second factor: users enrol again",
    "retention.DailyRun": "the installation's note of the day its retention task was started",
    "today.ReminderRun": "the installation's note of the day its reminders were started",
}

# Fields of archived models left out of the archive, with the reason.
OMITTED_FIELDS: dict[str, dict[str, str]] = {
    "people.User": {
        "groups": "not used: roles are `User.role`",
        "user_permissions": "not used: roles are `User.role`",
    },
    # Written instead as the plain `cpr` (the reading system has no key to the token).
    "children.Child": {
        "cpr_encrypted": "encrypted with this installation's key: the archive has `cpr`",
        "cpr_hash": "keyed with this installation's key: made again on import",
    },
}


def _own_records(model: type[Model], records: QuerySet[Any]) -> QuerySet[Any]:
    """Rows of an archived model that are no municipality record of their own."""
    if model._meta.label == "jobs.Job":
        # Earlier archives are not put into the next one (it would double with each export).
        return records.exclude(kind=ARCHIVE_JOB_KIND)
    return records


def candidate_models() -> list[type[Model]]:
    """Every concrete model of the installation, auto-created many-to-many tables aside (they
    go with the model that declares the field)."""
    return [m for m in apps.get_models() if not m._meta.proxy and not m._meta.auto_created]


def _municipality_model() -> type[Model]:
    return apps.get_model("organisation", "Municipality")


def _direct_scope(model: type[Model], municipality_id: int) -> QuerySet[Any] | None:
    manager = model._base_manager
    if model is _municipality_model():
        return manager.filter(pk=municipality_id)
    try:
        field = model._meta.get_field("municipality")
    except FieldDoesNotExist:  # the audit log's plain id below
        field = None
    if field is not None and field.is_relation and field.related_model is _municipality_model():
        return manager.filter(municipality_id=municipality_id)
    try:
        plain = model._meta.get_field("municipality_id")
    except FieldDoesNotExist:
        return None
    if isinstance(plain, models.IntegerField):
        return manager.filter(municipality_id=municipality_id)
    return None


def scoped_records(municipality_id: int) -> dict[str, QuerySet[Any]]:
    """Label -> the municipality's records of every archived model, ordered by primary key."""
    scopes: dict[str, QuerySet[Any]] = {}
    pending = [m for m in candidate_models() if m._meta.label not in EXCLUDED]
    for model in list(pending):
        direct = _direct_scope(model, municipality_id)
        if direct is not None:
            scopes[model._meta.label] = direct
            pending.remove(model)
    progress = True
    while pending and progress:  # through a non-null key to a model already scoped
        progress = False
        for model in list(pending):
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if target is None or field.null or target._meta.label not in scopes:
                    continue
                parents = scopes[target._meta.label].values("pk")
                scopes[model._meta.label] = model._base_manager.filter(
                    **{f"{field.name}__in": parents}
                )
                pending.remove(model)
                progress = True
                break
    if pending:
        names = ", ".join(sorted(m._meta.label for m in pending))
        raise LookupError(f"models neither archived nor excluded (archive/scope.py): {names}")
    return {
        label: _own_records(apps.get_model(label), records).order_by("pk")
        for label, records in scopes.items()
    }


def load_order(labels: list[str]) -> list[str]:
    """The labels with every model after the models its keys point to (keys to itself and
    cycles aside: the keys are checked at the end of the import's transaction)."""
    remaining = sorted(labels)
    placed: list[str] = []
    while remaining:
        for label in remaining:
            model = apps.get_model(label)
            needs = {
                f.related_model._meta.label
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            } & set(remaining)
            if not needs:
                break
        else:  # a cycle: take the first and let the deferred checks see to it
            label = remaining[0]
        placed.append(label)
        remaining.remove(label)
    return placed


def file_fields(model: type[Model]) -> list[str]:
    """The fields of `model` that name a file in the private storage."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if f.name == "stored_name" or isinstance(f, models.FileField)
    ]
