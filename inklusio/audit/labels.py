"""Danish words for what the access log stores in code: the object's type (a model's name), the
changed fields (field names), their choices (stored values) and dates (ISO text).

Models without a Danish `verbose_name` get theirs here rather than through a migration of
each app; `tests/ui/test_words_and_numbers.py` fails when a model is left without either."""

from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from inklusio.core.naming import with_kind
from inklusio.core.templatetags.danish_dates import short_date

TYPE_LABELS = {
    # Entries about a page rather than one record.
    "auditlog": _("adgangslog"),
    "startpage": _("forside"),
    "globalsearch": _("samlet søgning"),
    "archiveimport": _("indlæsning af kommunens arkiv"),
    "today": _("I dag"),
    # A user's own sign-in steps (inklusio.people.services).
    "password": _("Adgangskode"),
    "second_factor": _("Anden faktor"),
    # Models whose verbose_name is the English default.
    "guardianship": _("forældremyndighed"),
    "casenumbercounter": _("løbenummer for sagsnumre"),
    "reminder": _("påmindelse"),
    "reminderrun": _("daglig påmindelsesrunde"),
    "partnerinvitation": _("invitation af samarbejdspartner"),
    "referraladdendum": _("tilføjelse til indstilling"),
    "referralattachment": _("bilag til indstilling"),
    "decisionletter": _("afgørelsesbrev"),
    "appeal": _("klage"),
    "participant": _("deltager"),
    "session": _("samling"),
    "observation": _("observation"),
    "effectmeasure": _("effektmåling"),
    "discussionconsent": _("samtykke"),
    "message": _("besked"),
    "messageread": _("beskeder markeret som læst"),
    "agendaitem": _("dagsordenspunkt"),
    "recommendation": _("anbefaling"),
    "goal": _("mål"),
    "agreement": _("aftale"),
    "planversion": _("handleplansversion"),
    "planmeeting": _("handleplansmøde"),
    "acknowledgement": _("kvittering"),
    "adjustment": _("justering"),
    "goalstatus": _("målstatus"),
    "institutiondemandoverride": _("ændret behov for institution"),
    "planslot": _("planlagt halvdag"),
    "calendarfeed": _("kalenderadresse"),
    "apitoken": _("API-nøgle"),
    "job": _("baggrundsjob"),
    "dailyrun": _("daglig sletning"),
    "goalbankentry": _("mål i målbanken"),
    "handover": _("overgang"),
    "handovermeeting": _("overgangsmøde"),
    "screeninground": _("screeningsrunde"),
    "screeningrating": _("screeningsvurdering"),
}

# Names in change entries that are no field of their model, or a field without a Danish name.
FIELD_LABELS = {
    "absent": _("fraværende"),
    "addendum": _("tilføjelse"),
    "adjustment": _("justering"),
    "adjustment_status": _("justering"),
    "attachment": _("bilag"),
    # A pedagogue's attachments to institutions (people.services), by institution name.
    "attachments": _("tilknytninger"),
    "course": _("forløb"),
    "created_at": _("lavet"),
    "date": _("dato"),
    "format_version": _("formatversion"),
    "records": _("poster"),
    "deadline": _("frist"),
    "email_reminders": _("påmindelser på e-mail"),
    "half_days": _("halvdage"),
    "kind": _("slags"),
    "languages": _("sprog"),
    "letter_version": _("brevversion"),
    "lost_half_days": _("halvdage uden pædagog"),
    "meeting": _("møde"),
    "meeting_held": _("møde holdt"),
    "method": _("metode"),
    "oidc_subject": _("id hos kommunens login"),
    "period": _("periode"),
    "professions": _("faggrupper"),
    "ratings": _("vurderede børn"),
    "replaces": _("erstatter"),
    "role": _("rolle"),
    "status": _("status"),
    "title": _("titel"),
    "reason": _("begrundelse"),
    "sessions_ended": _("afsluttede sessioner"),
    "version": _("version"),
    "waiting_list": _("venteliste"),
    "weekly_plans_unchanged": _("ugeplaner, der ikke ændres"),
    "attendees": _("deltagere"),
}


@cache
def _models() -> dict[str, type[Model]]:
    return {str(model._meta.model_name): model for model in apps.get_models()}


# A plan's entry about one of its proposals names the proposal's field: its values are the
# proposal's statuses, shown in Danish, under the label in FIELD_LABELS.
RELATED_FIELDS = {("actionplan", "adjustment_status"): ("adjustment", "status")}


def _field(object_type: str, name: str) -> Field[Any, Any] | None:
    object_type, field_name = RELATED_FIELDS.get((object_type, name), (object_type, name))
    model = _models().get(object_type)
    try:
        field = model._meta.get_field(field_name) if model else None
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def object_shown(object_type: str, label: str) -> str:
    """An object's type and label as one text, the type left out when the label names it."""
    return with_kind(capfirst(object_type_label(object_type)), label)


def object_type_label(object_type: str) -> str:
    if object_type in TYPE_LABELS:
        return str(TYPE_LABELS[object_type])
    model = _models().get(object_type)
    return str(model._meta.verbose_name) if model else object_type


def _value(field: Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, list):
        return ", ".join(_value(field, item) for item in value)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if value in choices:
        return str(choices[value])
    return short_date(value) if isinstance(value, str) else str(value)


def change_rows(object_type: str, changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, before, after) for each changed field, in Danish; bookkeeping without a
    before/after (a version number, a text's length) is left out."""
    rows = []
    for name, change in changes.items():
        if not isinstance(change, dict) or not {"before", "after"} & change.keys():
            continue
        field = _field(object_type, name)
        before, after = _value(field, change.get("before")), _value(field, change.get("after"))
        label = FIELD_LABELS[name] if (object_type, name) in RELATED_FIELDS else None
        rows.append((str(label or _field_label(field, name)), before, after))
    return rows


def _field_label(field: Field[Any, Any] | None, name: str) -> str:
    english = name.replace("_", " ")
    if field is not None and str(field.verbose_name) != english:
        return str(field.verbose_name)
    return str(FIELD_LABELS.get(name, english))
