"""Every model that holds data about a child is in the data-subject export.

The walk goes through the app registry: a model with a path of foreign keys (or many-to-many
fields) to Child, or a model with free text, must be exported by some `data_export.py` part (its
`COVERS`) or be named in an exclusion list with the reason. A new model that holds child data and
is exported by nobody fails `test_every_model_with_child_data_is_exported`; a covered model
whose stored values do not reach the export fails `test_every_stored_value_reaches_the_export`.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.db import models

from inklusio.children import export
from inklusio.children.models import Child

# Models with a path to Child that are not exported as records, and why.
EXCLUDED_WITH_CHILD_PATH: dict[str, str] = {}

# Models with free text (TextField) and no key to one child: why the text is not about one child,
# or where the export takes it from.
FREE_TEXT_NOT_ABOUT_ONE_CHILD = {
    "organisation.ResourceGroup": "a description of the group, not of a child",
    "referrals.LegalBasis": "the text of the law",
    "referrals.CommitteeMeeting": "the committee's note on the meeting; decisions are exported",
    "courses.ResourceTask": "the institution's task for a room or group, not a child",
    "courses.Course": "the course's goals and evaluation for the group; exported with each "
    "participation (title, kind, goals, dates) where the child took part",
    "meetings.ConsultativeMeeting": "no free text of its own; its minutes are MinutesVersion",
    "plans.GoalBankEntry": "the municipality's reusable goals and strategies, about no child; "
    "a plan copies the text into its own goals, which are exported with the plan",
}

# Fields whose stored value the export shows in another form, and why.
SHOWN_OTHERWISE = {
    "children.Child.cpr_encrypted": "decrypted and formatted as ddmmyy-nnnn",
    "children.Child.cpr_hash": "a keyed hash of the CPR number, which the export shows",
    "children.Child.first_name": "part of the full name",
    "children.Child.last_name": "part of the full name",
    "referrals.ReferralAttachment.stored_name": "the storage key; the file itself is in files/",
    "referrals.ReferralAttachment.content_type": "a technical property of the file in files/",
    "referrals.DecisionLetter.sha256": "the file itself is in files/ with its checksum",
    "planning.PlanSlot.function": "shown as its Danish label (støttefunktion)",
}


def covered_models() -> dict[str, str]:
    covered = dict.fromkeys(export.COVERS, "children.export")
    for app_label, module in export.export_parts():
        for label in module.COVERS:
            assert label not in covered, f"{label} is exported twice"
            covered[label] = app_label
    return covered


def child_path(model: type[models.Model], depth: int = 0, seen: tuple = ()) -> str | None:
    """The shortest path of forward keys from `model` to Child, e.g. 'meeting__plan__child'."""
    if model is Child:
        return ""
    if depth > 4:
        return None
    found = []
    for field in model._meta.get_fields():
        if not field.concrete or not (field.many_to_one or field.one_to_one or field.many_to_many):
            continue
        target = field.related_model
        if target is None or target in seen:
            continue
        rest = child_path(target, depth + 1, (*seen, model))
        if rest is not None:
            found.append(f"{field.name}__{rest}" if rest else field.name)
    return min(found, key=lambda p: (p.count("__"), p)) if found else None


def inklusio_models():
    return [m for m in apps.get_models() if m.__module__.startswith("inklusio.")]


def has_free_text(model) -> bool:
    return any(isinstance(f, models.TextField) for f in model._meta.concrete_fields)


class TestEveryModelIsCovered:
    def test_every_model_with_child_data_is_exported(self):
        covered = covered_models()
        missing = []
        for model in inklusio_models():
            label = model._meta.label
            if label in covered or label in EXCLUDED_WITH_CHILD_PATH:
                continue
            if child_path(model) is not None:
                missing.append(f"{label} (path {child_path(model)})")
            elif has_free_text(model) and label not in FREE_TEXT_NOT_ABOUT_ONE_CHILD:
                missing.append(f"{label} (free text)")
        assert not missing, (
            "Holds data about a child but no data_export.py COVERS it (export it, or add it to "
            f"an exclusion list with the reason): {missing}"
        )

    def test_the_walk_finds_the_known_paths(self):
        """Not vacuous: the walk finds keys several steps away and many-to-many fields."""
        from inklusio.courses.models import Session
        from inklusio.plans.models import GoalStatus

        assert child_path(GoalStatus) in {"goal__plan__child", "meeting__plan__child"}
        assert child_path(Session) == "attendees__child"
        assert child_path(apps.get_model("organisation", "Institution")) is None

    def test_the_lists_name_only_real_models(self):
        labels = {m._meta.label for m in inklusio_models()}
        named = set(covered_models()) | set(EXCLUDED_WITH_CHILD_PATH)
        named |= set(FREE_TEXT_NOT_ABOUT_ONE_CHILD)
        assert named <= labels, named - labels
        for entry in SHOWN_OTHERWISE:
            app_model, field = entry.rsplit(".", 1)
            apps.get_model(app_model)._meta.get_field(field)


def rows_about(model, child):
    label = model._meta.label
    if label == "meetings.MinutesVersion":  # no key to the child: through the agenda
        return model.objects.filter(meeting__items__child=child).distinct()
    return model.objects.filter(**{child_path(model) or "pk": child.pk}).distinct()


def expected_texts(row) -> list[tuple[str, str]]:
    """(field, text) for every stored value of the row the export must show."""
    label = row._meta.label
    texts = []
    for field in row._meta.concrete_fields:
        if f"{label}.{field.name}" in SHOWN_OTHERWISE or field.name == "public_id":
            continue
        value = getattr(row, field.attname)
        if value in (None, ""):
            continue
        if field.choices and isinstance(field, models.CharField):
            texts.append((field.name, str(getattr(row, f"get_{field.name}_display")())))
        elif isinstance(field, models.CharField | models.TextField):
            texts.append((field.name, value))
        elif isinstance(field, models.DateTimeField | models.DateField):
            texts.append((field.name, value.isoformat()))
        elif isinstance(field, models.BooleanField) and field.name not in {"locked", "active"}:
            texts.append((field.name, json.dumps(value)))
    return texts


@pytest.mark.django_db
class TestEveryValueReachesTheExport:
    def test_every_stored_value_reaches_the_export(self, full_record):
        mia = full_record.mia
        dumped = json.dumps(export.child_export_data(mia), ensure_ascii=False)
        missing = []
        for label in covered_models():
            model = apps.get_model(label)
            rows = list(rows_about(model, mia))
            assert rows, f"the full record has no {label} for Mia: the test would prove nothing"
            for row in rows:
                missing += [
                    f"{label}.{name} = {text!r}"
                    for name, text in expected_texts(row)
                    if text not in dumped
                ]
        assert not missing, f"stored about Mia but not in her export: {missing}"

    def test_another_childs_records_stay_out(self, full_record):
        dumped = json.dumps(export.child_export_data(full_record.emil), ensure_ascii=False)
        assert "Mia" not in dumped
        assert "Taler kun få ord." in dumped  # Emil's own referral

    def test_a_date_is_checked_in_its_exported_form(self, full_record):
        """Not vacuous: a value the export leaves out is caught."""
        row = full_record.appeal_mia
        texts = dict(expected_texts(row))
        assert texts["text"] == "Vi er uenige i, at støtten kun gælder et år."
        assert texts["received_on"] == (full_record.appeal_mia.received_on).isoformat()
        assert isinstance(full_record.appeal_mia.received_on, datetime.date)
