"""Danish words and numbers: singular for one, decimal comma, dates as 25.11.2026."""

import datetime
import re
from pathlib import Path

from django.apps import apps
from django.urls import reverse
from django.utils.text import camel_case_to_spaces

from inklusio.audit.labels import TYPE_LABELS
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_record
from inklusio.core.templatetags.danish_dates import short_date
from inklusio.plans.rules import version_changes
from tests.conftest import TODAY


def _card(page: str, testid_or_link: str) -> str:
    """The text of the summary card holding the given link text, tags stripped."""
    cards = re.findall(r'<div class="card-content">(.*?)</div>', page, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cards]
    return next(t for t in text if testid_or_link in t)


def test_one_child_and_one_institution_are_singular(cast, client_for):
    page = client_for(cast.gert).get(reverse("start")).content.decode()
    assert _card(page, "barn") == "1 Mit barn"
    page = client_for(cast.carl).get(reverse("start")).content.decode()
    assert _card(page, "Institution") == "1 Institution"


def test_several_institutions_are_plural(cast, client_for):
    page = client_for(cast.alice).get(reverse("start")).content.decode()
    assert re.fullmatch(r"\d+ Institutioner", _card(page, "Institution"))


def _danish(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def test_iso_dates_kept_as_text_are_shown_the_danish_way():
    assert short_date(TODAY.isoformat()) == _danish(TODAY)
    assert short_date(TODAY) == _danish(TODAY)
    assert short_date("ikke en dato") == "ikke en dato"
    assert short_date(None) == ""


def test_an_agreements_deadline_in_the_version_diff_is_a_danish_date():
    due = TODAY + datetime.timedelta(days=14)
    before = {"agreements": [], "goals": [{"text": "Leger", "success_criterion": "Ofte"}]}
    after = {
        "agreements": [{"text": "Dagsprogram", "owner": "Stuen", "due": due.isoformat()}],
        "goals": [{"text": "Leger", "success_criterion": "Ofte", "dropped": True}],
    }
    changes = {change["field"]: change["after"] for change in version_changes(before, after)}
    assert changes["agreements"] == f"Dagsprogram – Stuen – {_danish(due)}"
    assert changes["goals"] == "Leger – Ofte (opgivet)"


def test_every_model_has_a_danish_name_for_the_access_log():
    english = [
        model._meta.model_name
        for model in apps.get_models()
        if model.__module__.startswith("inklusio.")
        and str(model._meta.verbose_name) == camel_case_to_spaces(model.__name__)
        and model._meta.model_name not in TYPE_LABELS
    ]
    assert english == []


def test_the_access_log_names_objects_fields_and_dates_in_danish(cast, client_for):
    received = TODAY - datetime.timedelta(days=3)
    audit_record(
        actor=cast.alice,
        action=AuditAction.CHANGE,
        obj=cast.appeal_mia,
        child=cast.mia,
        changes={"received_on": {"before": None, "after": received.isoformat()}},
    )
    response = client_for(cast.alice).get(reverse("audit-log"), {"child": "Mia"})
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert f"Klage {cast.appeal_mia} klagen modtaget den: – → {_danish(received)}" in page
    assert received.isoformat() not in page


def test_the_access_log_names_the_today_page_and_sign_in_steps_in_danish(cast, client_for):
    """Found in a QA pass: the "I dag" page's entries read "Today" in the Danish access log."""
    audit_record(
        actor=cast.alice, action=AuditAction.SEARCH, object_type="today", children=[cast.mia]
    )
    audit_record(
        actor=cast.alice, action=AuditAction.CHANGE, obj=cast.alice, object_type="password"
    )
    audit_record(
        actor=cast.alice, action=AuditAction.CHANGE, obj=cast.alice, object_type="second_factor"
    )
    response = client_for(cast.alice).get(reverse("audit-log"))
    cells = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td>(.*?)</td>", response.content.decode(), re.S)
    ]
    assert "I dag" in cells
    assert any(cell.startswith("Adgangskode ") for cell in cells)
    assert any(cell.startswith("Anden faktor ") for cell in cells)
    assert not {"Today", "Password", "Second_factor"} & {cell.split(" ")[0] for cell in cells}


def test_the_plan_meetings_form_asks_for_the_meeting_type_in_danish(cast, client_for):
    url = reverse("plan-meeting-create", args=[cast.plan_mia.public_id])
    page = client_for(cast.bob).get(url).content.decode()
    assert "Mødetype" in page
    assert "Kind" not in page


def _heading(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("<h1>")[1].split("</h1>")[0]))


def test_meeting_headings_show_the_date_as_the_rest_of_the_pages_do(cast, client_for):
    """Found in a QA pass: the meeting pages' headings read "01.12.2026" among "1.12.2026"."""
    client = client_for(cast.alice)
    consultative = cast.consultative_boegely
    page = client.get(consultative.get_absolute_url()).content.decode()
    assert _heading(page) == f"Konsultativt møde Bøgely {_danish(consultative.date)}"
    page = client.get(cast.meeting.get_absolute_url()).content.decode()
    assert _heading(page) == f"Visitationsmøde {_danish(cast.meeting.date)}"
    page = client_for(cast.bob).get(cast.plan_meeting.get_absolute_url()).content.decode()
    assert (
        _heading(page)
        == f"{cast.plan_meeting.get_kind_display()} {_danish(cast.plan_meeting.date)}"
    )


def test_a_decision_names_its_committee_meeting_with_the_apps_date(cast, client_for):
    decision = cast.decision_mia
    page = client_for(cast.alice).get(decision.get_absolute_url()).content.decode()
    assert f"(Visitationsmøde {_danish(decision.meeting.date)})" in page


def test_record_pages_write_their_dates_as_the_rest_of_the_pages_do(cast, client_for):
    """Found in a QA pass: the decision page read "Afgjort den: 21. april 2026" above
    "Periode: 1.5.2026"; letters and PDFs keep the long form of a letter."""
    client = client_for(cast.alice)
    decision = cast.decision_mia
    page = client.get(decision.get_absolute_url()).content.decode()
    assert f"<dd>{_danish(decision.decided_on)} (" in page
    page = client.get(cast.mia.get_absolute_url()).content.decode()
    assert f"<dd>{_danish(cast.mia.birth_date)}</dd>" in page
    request = cast.data_request_mia
    page = client.get(reverse("privacy-request", args=[request.public_id])).content.decode()
    assert f"<dd>{_danish(request.received_on)}</dd>" in page
    assert f"<dd>{_danish(request.deadline)}</dd>" in page
    page = client.get(reverse("consultative-list")).content.decode()
    assert f">{_danish(cast.consultative_boegely.date)}</a>" in page


# What reads dates in a fixed layout rather than writing them for a person: the import
# parser (its files' own layout) and the history import, whose row errors quote the file.
DATE_LAYOUTS_FOR_FILES = {"inklusio/imports/parsers.py", "inklusio/imports/history.py"}


def test_python_built_texts_write_dates_as_the_pages_do():
    """A date in a message, heading or label is written with `short_date`/`day_month`, not a
    zero-padded strftime layout ("01.12.2026"), so the next message written cannot slip back."""
    root = Path(__file__).resolve().parents[2]
    padded = re.compile(r"%d[.\-/]%m")
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted((root / "inklusio").rglob("*.py"))
        if str(path.relative_to(root)) not in DATE_LAYOUTS_FOR_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if padded.search(line)
    ]
    assert found == []
