"""What deleting a record takes with it, found from the models themselves.

Every foreign key that points at a deleted row is followed, whatever its `on_delete` says:
rows that PROTECT a child (referrals, decisions, plans, course participations, agenda items)
are what the child's case consists of, so they go first; CASCADE rows go with them. A SET_NULL
relation is followed too when it points at a child (an observation about the child is about
the child), except for the few in `KEPT_WITHOUT_CHILD`, which are the corps' own records and
only lose the child. A model added later is covered without a change here; the test of no
orphans (tests/retention) walks the same relations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import models
from django.db.models.fields.reverse_related import ForeignObjectRel

from inklusio.children.models import Child, Guardian

# (model label, field name): relations to a child that are set to null instead of followed.
KEPT_WITHOUT_CHILD = frozenset({("planning.planslot", "child")})

Plan = dict[type[models.Model], set[int]]


def reverse_relations(model: type[models.Model]) -> Iterator[ForeignObjectRel]:
    """Every foreign key (and one-to-one) from any model to `model`, the hidden ones of
    `related_name="+"` and of many-to-many tables included."""
    for rel in model._meta.get_fields(include_hidden=True):
        if isinstance(rel, ForeignObjectRel) and (rel.one_to_many or rel.one_to_one):
            yield rel


def followed(model: type[models.Model], rel: ForeignObjectRel) -> bool:
    """Whether deleting a row of `model` deletes the rows that refer to it through `rel`."""
    on_delete = rel.on_delete
    if on_delete in (models.PROTECT, models.CASCADE, models.RESTRICT):
        return True
    label = (rel.related_model._meta.label_lower, rel.field.name)
    return model is Child and label not in KEPT_WITHOUT_CHILD


def deletion_plan(model: type[models.Model], pks: Iterable[int]) -> Plan:
    """Every row (model -> primary keys) that goes when the rows `pks` of `model` go.

    The number of queries depends on the models, not on the number of rows: each relation is
    read once per level for all rows together.
    """
    plan: Plan = defaultdict(set)
    _visit(plan, model, set(pks))
    if model is Child or Child in plan:
        _add_lone_guardians(plan)
    return dict(plan)


def _visit(plan: Plan, model: type[models.Model], pks: set[int]) -> None:
    new = pks - plan[model]
    if not new:
        return
    plan[model] |= new
    for rel in reverse_relations(model):
        if not followed(model, rel):
            continue
        related = rel.related_model
        rows = related._base_manager.filter(**{f"{rel.field.name}__in": new})
        _visit(plan, related, set(rows.values_list("pk", flat=True)))


def _add_lone_guardians(plan: Plan) -> None:
    """A guardian is kept only as some child's guardian: one whose every child goes, goes too.
    (The parent's own login, if any, is an account like any other and stays.)"""
    children = plan.get(Child, set())
    lone = (
        Guardian._base_manager.filter(guardianships__child__in=children)
        .exclude(guardianships__child__in=Child._base_manager.exclude(pk__in=children))
        .values_list("pk", flat=True)
    )
    _visit(plan, Guardian, set(lone))


def set_null_updates(plan: Plan) -> list[tuple[type[models.Model], str, set[int]]]:
    """(model, field, pks of the referenced rows): nullable references into the plan from rows
    that stay."""
    updates = []
    for model, pks in plan.items():
        for rel in reverse_relations(model):
            if not followed(model, rel) and rel.on_delete is models.SET_NULL:
                updates.append((rel.related_model, rel.field.name, pks))
    return updates


def tables_to_check(plan: Plan) -> list[str]:
    """The plan's tables and every table with a foreign key into them: where a row left
    pointing at a deleted one would be."""
    tables = {model._meta.db_table for model in plan}
    for model in plan:
        tables |= {rel.related_model._meta.db_table for rel in reverse_relations(model)}
    return sorted(tables)


def counts(plan: Plan) -> dict[str, int]:
    """Rows per model label, without the many-to-many link tables (they are not records)."""
    return {
        model._meta.label_lower: len(pks)
        for model, pks in sorted(plan.items(), key=lambda item: item[0]._meta.label_lower)
        if pks and not model._meta.auto_created
    }


# Storage folders whose every file belongs to a row of the model: what is there without a
# row is left over (see rules.stray_files).
FILE_FOLDERS = {"referrals": "referrals.referralattachment"}


def stored_files(plan: Plan) -> list[str]:
    """Names in the private storage held by rows of the plan: every model that keeps a file
    does so in a `stored_name` field (referral attachments, job files)."""
    names: list[str] = []
    for model, pks in plan.items():
        if pks and any(f.name == "stored_name" for f in model._meta.concrete_fields):
            stored = model._base_manager.filter(pk__in=pks).values_list("stored_name", flat=True)
            names.extend(name for name in stored if name)
    return sorted(names)
