"""Importing historic decisions and courses (issue 17, point 3): the old system's records carry
the statistics tables back to the years before Inklusio. A bad row refuses the whole file, a
duplicate row is reported, a re-run changes nothing, and the tables show the imported years."""

import csv
import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from inklusio.audit.models import AuditAction, AuditEntry
from inklusio.children.models import Child
from inklusio.courses.models import Course, Participant, Session
from inklusio.imports import services
from inklusio.imports.models import ImportRun
from inklusio.imports.parsers import CHILD_COLUMNS, COURSE_COLUMNS, DECISION_COLUMNS
from inklusio.people.models import Role
from inklusio.referrals.models import Decision, Referral, VisitationPeriod
from inklusio.reports.registry import build_table
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db

# The year of history: the visitation period YEAR/YEAR+1, three years before the suite's today.
YEAR = TODAY.year - 3
PERIOD = f"{YEAR}/{(YEAR + 1) % 100:02d}"


def day(month: int, dom: int, year: int = YEAR) -> str:
    return f"{dom:02d}-{month:02d}-{year}"


def cpr(serial: int) -> str:
    """A child born in June five years before YEAR: 8 years old today, 5 in the period."""
    return f"01{6:02d}{(YEAR - 5) % 100:02d}-4{serial:03d}"


def csv_file(columns, rows: list[dict]) -> bytes:
    output = io.StringIO()
    headers = [column.header for column in columns]
    writer = csv.DictWriter(output, fieldnames=headers, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def dry_run(cast, kind: str, data: bytes, actor=None) -> ImportRun:
    actor = actor or cast.alice
    run = services.import_upload(actor=actor, kind=kind, file_name=f"{kind}.csv", data=data)
    return services.import_check(actor=actor, run=run)


def imported(cast, kind: str, data: bytes) -> ImportRun:
    return services.import_execute(actor=cast.alice, run=dry_run(cast, kind, data))


def actions(run: ImportRun) -> list[tuple[int, str]]:
    return [(r["line"], r["action"]) for r in run.rows]


def reasons(run: ImportRun, line: int) -> list[str]:
    return next(r["reasons"] for r in run.rows if r["line"] == line)


def decision(serial: int, **extra) -> dict:
    return {
        "CPR-nummer": cpr(serial),
        "Tilbud": "Støttepædagog",
        "Afgørelse": "Bevilget",
        "Afgjort den": day(4, 20),
        "Lovgrundlag": "Dagtilbudslovens § 4",
        "Bevilget fra": day(5, 1),
        **extra,
    }


def course(title: str, kind="Gruppeforløb", **extra) -> dict:
    return {
        "Daginstitution": "Bøgely",
        "Titel": title,
        "Type": kind,
        "Ressourcepædagog (brugernavn)": "bob",
        "Start": day(9, 1),
        **extra,
    }


@pytest.fixture
def history_children(cast):
    """Six children of the old system who have since left daycare for school (8 years old)."""
    rows = [
        {
            "CPR-nummer": cpr(n),
            "Fornavn": f"Barn{n}",
            "Efternavn": "Historie",
            "Daginstitution": "Bøgely",
            "Forlod dagtilbuddet den": day(6, 30, YEAR + 1),
        }
        for n in range(1, 7)
    ]
    run = imported(cast, "children", csv_file(CHILD_COLUMNS, rows))
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    return {n: Child.objects.with_cpr(cpr(n)).get() for n in range(1, 7)}


# --- Templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("decisions", ("CPR-nummer", "Tilbud", "Afgørelse", "Afgjort den", "Lovgrundlag")),
        ("courses", ("Daginstitution", "Titel", "Type", "Ressourcepædagog (brugernavn)", "Start")),
    ],
)
def test_the_templates_have_danish_headers_and_an_example_row(cast, client, kind, first):
    client.force_login(cast.alice)
    response = client.get(reverse("import-template", args=[kind, "xlsx"]))
    header, example = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert header[:5] == first
    assert all(example[:5])
    page = client.get(reverse("import-list")).content.decode()
    assert reverse("import-template", args=[kind, "csv"]) in page


# --- Children who have left: history is of daycare age on the day they left -------------------


def test_a_child_who_left_years_ago_is_imported_with_its_history(cast, history_children):
    child = history_children[1]
    assert child.age_on(TODAY) == 8
    assert child.left_on == datetime.date(YEAR + 1, 6, 30)


def test_a_child_too_old_when_it_left_is_refused(cast):
    row = {
        "CPR-nummer": cpr(9),
        "Fornavn": "Ole",
        "Efternavn": "Gammel",
        "Daginstitution": "Bøgely",
        "Forlod dagtilbuddet den": day(6, 30, YEAR + 3),
    }
    run = dry_run(cast, "children", csv_file(CHILD_COLUMNS, [row]))
    assert actions(run) == [(2, "refused")]
    assert reasons(run, 2) == [
        "Barnet var ikke i dagtilbudsalderen (0–6 år) den dag, det forlod dagtilbuddet."
    ]


@pytest.mark.parametrize(
    ("left_on", "refused"),
    [
        (None, "barnet er over 7 år"),  # still in daycare at eight: a typing error
        (datetime.date(YEAR + 1, 6, 30), ""),  # left for school at six: history
        (
            datetime.date(YEAR - 6, 1, 1),
            "Barnet kan ikke have forladt dagtilbuddet før sin fødsel.",
        ),
    ],
)
def test_registering_a_child_checks_its_age_on_the_day_it_left(cast, left_on, refused):
    from inklusio.children import services as child_services

    data = {
        "cpr": cpr(8).replace("-", ""),
        "first_name": "Ole",
        "last_name": "Skolebarn",
        "institution": cast.boegely,
        "left_on": left_on,
    }
    if not refused:
        assert child_services.child_create(actor=cast.alice, data=data).left_on == left_on
        return
    with pytest.raises(child_services.ImplausibleAge, match=refused):
        child_services.child_create(actor=cast.alice, data=data)
    assert not Child.objects.with_cpr(cpr(8)).exists()


# --- Decisions ---------------------------------------------------------------------------------


def test_historic_decisions_feed_the_visitation_tables(cast, history_children, client):
    rows = [
        decision(
            1, **{"Mest fremtrædende vanskelighed": "Kontakt/adfærd", "Indstillet den": day(4, 2)}
        ),
        decision(
            2, **{"Mest fremtrædende vanskelighed": "Kontakt/adfærd", "Visitationsperiode": PERIOD}
        ),
        decision(3, **{"Mest fremtrædende vanskelighed": "Udvikling"}),
        decision(4, **{"Afgørelse": "Afslag", "Bevilget fra": "", "Indstillet den": day(4, 3)}),
        decision(
            5,
            **{"Afgørelse": "Andet tilbud", "Bevilget fra": "", "Andet tilbud": "Ressourceforløb"},
        ),
        decision(
            6,
            **{
                "Tilbud": "Plads i ressourcegruppe/minigruppe",
                "Ressourcegruppe": "Ressourcegruppen Bøgely",
                "Bevilget til": day(3, 31, YEAR + 1),
            },
        ),
    ]
    run = imported(cast, "decisions", csv_file(DECISION_COLUMNS, rows))
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    assert actions(run) == [(line, "create") for line in range(2, 8)]
    # The period the old system decided in is created; the cast's own is left as it was.
    period = VisitationPeriod.objects.get(municipality=cast.ishoj, start=datetime.date(YEAR, 4, 1))
    assert period.label == PERIOD
    grant = Decision.objects.get(child=history_children[1])
    assert (grant.period, grant.end, grant.category, grant.meeting) == (
        period,
        datetime.date(YEAR + 1, 4, 30),  # one year at a time, as the committee grants
        "contact_behaviour",
        None,
    )
    assert grant.referral.submitted_at.date() == datetime.date(YEAR, 4, 2)

    categories = build_table("support-categories", cast.ishoj, year_from=YEAR, year_to=YEAR)
    assert categories.rows == [[PERIOD, 1, 2, 0, 0, 0, 0, 3]]
    referrals = build_table("referrals", cast.ishoj, year_from=YEAR, year_to=YEAR)
    assert referrals.rows == [[PERIOD, 2, 3, 1, 1]]

    client.force_login(cast.alice)
    page = client.get(
        reverse("statistics-table", args=["referrals"]), {"year_from": YEAR, "year_to": YEAR}
    ).content.decode()
    assert PERIOD in page


def test_capacity_and_the_meeting_date_are_not_history_rules(cast, history_children):
    """2011/12 had 25 children with a support pedagogue against 7 places later: a past
    period's grants are not refused by today's capacity."""
    VisitationPeriod.objects.create(
        municipality=cast.ishoj,
        start=datetime.date(YEAR, 4, 1),
        end=datetime.date(YEAR + 1, 3, 31),
        support_places=2,
    )
    run = imported(
        cast, "decisions", csv_file(DECISION_COLUMNS, [decision(n) for n in range(1, 7)])
    )
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    assert Decision.objects.filter(period__start=datetime.date(YEAR, 4, 1)).count() == 6


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (decision(7), f"Der er intet barn med CPR-nummeret {cpr(7)[:6]}-xxxx i kommunen"),
        (
            decision(2, Lovgrundlag="Servicelovens § 32"),
            "Lovgrundlaget «Servicelovens § 32» findes",
        ),
        (decision(2, **{"Bevilget fra": ""}), "En bevilling skal have en dato i «Bevilget fra»."),
        (decision(2, **{"Afgjort den": day(1, 5, TODAY.year + 1)}), "Afgørelsesdatoen ligger i"),
        (decision(2, Afgørelse="Fortsætter"), "«Fortsætter» er udfaldet af en revurdering"),
        (decision(2, Afgørelse="Afslag"), "Kun en bevilling har en periode"),
        (decision(2, Tilbud="Pasning"), "Tilbuddet «Pasning» er ikke et af"),
        (decision(2, Visitationsperiode="1999/00"), "Visitationsperioden «1999/00» passer ikke"),
        (decision(2, **{"Bevilget til": day(4, 1)}), "«Bevilget til» ligger før «Bevilget fra»."),
        (decision(1), "Samme afgørelse (barn, tilbud, type og dato) står også i række 2."),
    ],
)
def test_a_bad_decision_row_refuses_the_whole_file(cast, history_children, client, values, reason):
    run = dry_run(cast, "decisions", csv_file(DECISION_COLUMNS, [decision(1), values]))
    assert actions(run) == [(2, "create"), (3, "refused")]
    assert any(text.startswith(reason) for text in reasons(run, 3)), reasons(run, 3)
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)
    assert not Decision.objects.filter(child__in=history_children.values()).exists()
    client.force_login(cast.alice)
    page = client.get(reverse("import-detail", args=[run.public_id])).content.decode()
    assert "1 række er afvist" in page
    assert "Gennemfør importen" not in page


def test_running_the_same_decisions_again_changes_nothing(cast, history_children):
    rows = [
        decision(1, **{"Indstillet den": day(4, 2)}),
        decision(2, Afgørelse="Afslag", **{"Bevilget fra": ""}),
    ]
    data = csv_file(DECISION_COLUMNS, rows)
    imported(cast, "decisions", data)
    counts = (Decision.objects.count(), Referral.objects.count(), VisitationPeriod.objects.count())
    last = AuditEntry.objects.order_by("-id").first().id
    again = imported(cast, "decisions", data)
    assert again.status == ImportRun.Status.IMPORTED
    assert actions(again) == [(2, "unchanged"), (3, "unchanged")]
    assert (
        Decision.objects.count(),
        Referral.objects.count(),
        VisitationPeriod.objects.count(),
    ) == counts
    # Only the import's own three entries (upload, dry run, run) and the page reads: no change.
    new = AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type")
    assert Counter(new) == {("create", "importrun"): 1, ("change", "importrun"): 2}


def test_a_known_decision_with_other_values_is_refused_not_overwritten(cast, history_children):
    imported(cast, "decisions", csv_file(DECISION_COLUMNS, [decision(1)]))
    changed = decision(1, **{"Bevilget fra": day(6, 1)})
    run = dry_run(cast, "decisions", csv_file(DECISION_COLUMNS, [changed]))
    assert actions(run) == [(2, "refused")]
    assert reasons(run, 2)[0].startswith("Afgørelsen findes allerede med andre oplysninger")
    assert Decision.objects.get(child=history_children[1]).start == datetime.date(YEAR, 5, 1)


def test_the_real_run_writes_one_audit_entry_per_record_and_one_per_step(cast, history_children):
    last = AuditEntry.objects.order_by("-id").first().id
    rows = [decision(1, **{"Indstillet den": day(4, 2)}), decision(2)]
    imported(cast, "decisions", csv_file(DECISION_COLUMNS, rows))
    logged = Counter(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type"))
    assert logged == {
        ("create", "importrun"): 1,
        ("change", "importrun"): 2,
        ("create", "visitationperiod"): 1,
        ("create", "referral"): 1,
        ("create", "decision"): 2,
    }
    entry = AuditEntry.objects.filter(object_type="decision").order_by("id").last()
    assert list(entry.children.values_list("child_id", flat=True)) == [
        history_children[2].public_id
    ]


# --- Courses -----------------------------------------------------------------------------------


def history_courses(children) -> list[dict]:
    cases = ", ".join(cpr(n) for n in (1, 2, 3))
    return [
        course(
            "Gammel legegruppe",
            **{
                "Børn i udsat position (CPR)": cases,
                "Rollemodeller (CPR)": cpr(4),
                "Afsluttet den": day(12, 1),
                "Gennemførte samlinger": f"{day(9, 2)}, {day(9, 9)}, {day(9, 16)}",
                "Aflyste samlinger": f"{day(9, 23)} (sygdom), {day(9, 30)} (kaldt til møde)",
            },
        ),
        course(
            "Sproggruppe", **{"Børn i udsat position (CPR)": cpr(5), "Afsluttet den": day(10, 27)}
        ),
        course("Bevægelse", **{"Børn i udsat position (CPR)": cpr(1)}),
        course("Ida alene", kind="Individuelt forløb", **{"Børn i udsat position (CPR)": cpr(6)}),
        course("Refleksion på stuen", kind="Refleksionsforløb"),
    ]


def test_historic_courses_feed_the_course_tables_and_the_page(cast, history_children, client):
    run = imported(cast, "courses", csv_file(COURSE_COLUMNS, history_courses(history_children)))
    assert run.status == ImportRun.Status.IMPORTED, run.rows
    assert actions(run) == [(line, "create") for line in range(2, 7)]
    group = Course.objects.get(title="Gammel legegruppe")
    assert (group.pedagogue, group.closed_on) == (cast.bob, datetime.date(YEAR, 12, 1))
    assert Counter(group.sessions.values_list("status", "cause")) == {
        (Session.Status.HELD, ""): 3,
        (Session.Status.CANCELLED, Session.Cause.ILLNESS): 1,
        (Session.Status.CANCELLED, Session.Cause.CALLED_TO_CENTRE): 1,
    }
    filters = {"year_from": YEAR, "year_to": YEAR}
    assert build_table("courses-by-type", cast.ishoj, **filters).rows == [[str(YEAR), 3, 1, 1, 5]]
    # Children 1 (twice), 2, 3, 5 and 6 in vulnerable positions; child 4 a role model.
    assert build_table("children-reached", cast.ishoj, **filters).rows == [[str(YEAR), 5, 6, 1]]
    cancellations = build_table("cancellations", cast.ishoj, **filters).rows
    assert cancellations[0][:5] == [str(YEAR), 5, 3, 2, 40.0]
    durations = build_table("course-duration", cast.ishoj, **filters).rows
    assert durations[0][:2] == [str(YEAR), 2]

    client.force_login(cast.alice)
    page = client.get(reverse("statistics-table", args=["courses-by-type"]), filters)
    cells = re.sub(r">\s+<", "><", page.content.decode())
    figures = "".join(f'<td class="text-right">{n}</td>' for n in (3, 1, 1, 5))
    assert f'<th scope="row">{YEAR}</th>{figures}' in cells


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (course("X", Daginstitution="Atlantis"), "Daginstitutionen «Atlantis» findes ikke"),
        (course("X", **{"Børn i udsat position (CPR)": cpr(8)}), "Der er intet barn med CPR"),
        (course("X", **{"Ressourcepædagog (brugernavn)": "carl"}), "«carl» er ikke brugernavnet"),
        (course("X", **{"Gennemførte samlinger": day(8, 1)}), "Samlingen 01-08-"),
        (course("X", **{"Aflyste samlinger": f"{day(9, 8)} (ferie)"}), "Årsagen «ferie» er ikke"),
        (
            course("X", kind="Refleksionsforløb", **{"Rollemodeller (CPR)": cpr(1)}),
            "Et refleksions-",
        ),
        (
            course(
                "X", kind="Individuelt", **{"Børn i udsat position (CPR)": f"{cpr(1)}, {cpr(2)}"}
            ),
            "Et individuelt forløb har ét barn",
        ),
        (course("X", **{"Afsluttet den": day(1, 5, TODAY.year + 1)}), "«Afsluttet den» ligger i"),
        (
            course("Gammel legegruppe"),
            "Samme forløb (daginstitution, titel og start) står også i række 2.",
        ),
    ],
)
def test_a_bad_course_row_refuses_the_whole_file(cast, history_children, values, reason):
    data = csv_file(COURSE_COLUMNS, [course("Gammel legegruppe"), values])
    run = dry_run(cast, "courses", data)
    assert actions(run) == [(2, "create"), (3, "refused")]
    assert any(text.startswith(reason) for text in reasons(run, 3)), reasons(run, 3)
    with pytest.raises(services.ImportNotReady):
        services.import_execute(actor=cast.alice, run=run)
    assert not Course.objects.filter(title="Gammel legegruppe").exists()


def test_a_pedagogue_who_has_left_keeps_the_courses_of_their_time(cast, history_children):
    cast.bob.is_active = False
    cast.bob.save()
    run = imported(cast, "courses", csv_file(COURSE_COLUMNS, [course("Gammel legegruppe")]))
    assert run.status == ImportRun.Status.IMPORTED
    assert Course.objects.get(title="Gammel legegruppe").pedagogue == cast.bob


def test_the_dry_run_shows_created_updated_and_refused_per_row(cast, history_children, client):
    known = cast.course_boegely
    session = cast.session_boegely
    assert session.status == Session.Status.PLANNED
    rows = [
        course("Gammel legegruppe"),
        course(
            known.title,
            kind=known.get_kind_display(),
            Start=f"{known.start:%d-%m-%Y}",
            **{"Ressourcepædagog (brugernavn)": known.pedagogue.username},
        ),
        course("Sproggruppe", Start="31-02-2020"),
    ]
    # The known course's planned session, held after all, as the old records say.
    if session.date <= TODAY:
        rows[1]["Gennemførte samlinger"] = f"{session.date:%d-%m-%Y}"
    else:
        rows[1]["Børn i udsat position (CPR)"] = cpr(1)
    client.force_login(cast.alice)
    run = dry_run(cast, "courses", csv_file(COURSE_COLUMNS, rows))
    assert actions(run) == [(2, "create"), (3, "update"), (4, "refused")]
    page = client.get(reverse("import-detail", args=[run.public_id])).content.decode()
    for text in ("Opret", "Opdater", "Afvist", "Datoen «31-02-2020» kan ikke læses"):
        assert text in page
    assert not Course.objects.filter(title="Gammel legegruppe").exists()


def test_running_the_same_courses_again_changes_nothing(cast, history_children):
    data = csv_file(COURSE_COLUMNS, history_courses(history_children))
    imported(cast, "courses", data)
    counts = (Course.objects.count(), Participant.objects.count(), Session.objects.count())
    again = imported(cast, "courses", data)
    assert again.status == ImportRun.Status.IMPORTED
    assert {action for _line, action in actions(again)} == {"unchanged"}
    assert (Course.objects.count(), Participant.objects.count(), Session.objects.count()) == counts


def test_a_later_file_completes_a_known_course(cast, history_children):
    imported(cast, "courses", csv_file(COURSE_COLUMNS, [course("Gammel legegruppe")]))
    more = course(
        "Gammel legegruppe",
        **{"Børn i udsat position (CPR)": cpr(1), "Gennemførte samlinger": day(9, 2)},
        **{"Afsluttet den": day(11, 1)},
    )
    last = AuditEntry.objects.order_by("-id").first().id
    run = imported(cast, "courses", csv_file(COURSE_COLUMNS, [more]))
    assert actions(run) == [(2, "update")]
    group = Course.objects.get(title="Gammel legegruppe")
    assert group.closed_on == datetime.date(YEAR, 11, 1)
    assert list(group.participants.values_list("child", flat=True)) == [history_children[1].pk]
    logged = Counter(AuditEntry.objects.filter(id__gt=last).values_list("action", "object_type"))
    assert logged == {
        ("create", "importrun"): 1,
        ("change", "importrun"): 2,
        ("create", "participant"): 1,
        ("create", "session"): 1,
        ("change", "course"): 1,
    }
    # The child's own log (who changed what about me) has the new place in the course.
    joined = AuditEntry.objects.get(id__gt=last, object_type="participant")
    assert list(joined.children.values_list("child_id", flat=True)) == [
        history_children[1].public_id
    ]


def test_a_planned_session_the_old_records_say_was_held_is_recorded_as_held(cast):
    known = cast.course_boegely
    planned = Session.objects.create(
        municipality=cast.ishoj, course=known, date=TODAY - datetime.timedelta(days=7)
    )
    row = course(
        known.title,
        kind=known.get_kind_display(),
        Start=f"{known.start:%d-%m-%Y}",
        **{"Gennemførte samlinger": f"{planned.date:%d-%m-%Y}"},
    )
    last = AuditEntry.objects.order_by("-id").first().id
    run = imported(cast, "courses", csv_file(COURSE_COLUMNS, [row]))
    assert actions(run) == [(2, "update")]
    planned.refresh_from_db()
    assert (planned.status, planned.recorded_by) == (Session.Status.HELD, cast.alice)
    recorded = AuditEntry.objects.get(id__gt=last, object_type="session")
    assert recorded.changes == {"status": {"before": "planned", "after": "held"}, "cause": ""}


# --- Access and the command --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cora", "bob", "carl", "sara", "pia", "gert"])
def test_only_the_administration_imports_history(cast, client, name):
    client.force_login(getattr(cast, name))
    assert client.get(reverse("import-template", args=["decisions", "csv"])).status_code == 404
    upload = io.BytesIO(csv_file(DECISION_COLUMNS, []))
    upload.name = "afgoerelser.csv"
    response = client.post(reverse("import-list"), {"kind": "decisions", "file": upload})
    assert response.status_code == 404
    assert not ImportRun.objects.filter(file_name="afgoerelser.csv").exists()


def test_an_ended_administrator_and_another_municipality_cannot_import_history(cast, client):
    run = dry_run(cast, "courses", csv_file(COURSE_COLUMNS, [course("Gammel legegruppe")]))
    client.force_login(cast.dora)
    assert client.get(reverse("import-detail", args=[run.public_id])).status_code == 404
    assert client.post(reverse("import-execute", args=[run.public_id])).status_code == 404
    former = make_user("former", cast.ishoj, Role.ADMINISTRATOR)
    former.is_active = False
    former.save()
    client.force_login(former)
    assert client.post(reverse("import-execute", args=[run.public_id])).status_code in {302, 404}
    assert not Course.objects.filter(title="Gammel legegruppe").exists()


def test_the_page_logs_the_children_its_decision_rows_name(cast, history_children, client):
    run = dry_run(cast, "decisions", csv_file(DECISION_COLUMNS, [decision(1), decision(7)]))
    client.force_login(cast.alice)
    client.get(reverse("import-detail", args=[run.public_id]))
    read = AuditEntry.objects.filter(actor=cast.alice, action=AuditAction.READ).last()
    assert list(read.children.values_list("child_id", flat=True)) == [history_children[1].public_id]


def test_the_command_imports_history_all_or_nothing(cast, history_children, tmp_path):
    path = tmp_path / "forloeb.csv"
    path.write_bytes(
        csv_file(COURSE_COLUMNS, [course("Gammel legegruppe"), course("X", Type="Leg")])
    )
    with pytest.raises(CommandError, match="Intet er importeret"):
        call_command("import_file", str(path), municipality="ishoj", kind="courses")
    assert not Course.objects.filter(title="Gammel legegruppe").exists()
    path.write_bytes(csv_file(COURSE_COLUMNS, [course("Gammel legegruppe")]))
    call_command("import_file", str(path), municipality="ishoj", kind="courses")
    assert Course.objects.filter(title="Gammel legegruppe").exists()
