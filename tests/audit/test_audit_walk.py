"""The audit walk: every URL pattern, as every user of the cast who may open it, with GET and
with an invalid POST, and the log checked after each request.

The oracle: the cast's children whose name, CPR number or public id the answer shows (a page, a
re-rendered form with errors, a PDF, an .ics, a CSV file, a JSON answer) must each have
exactly one read logged for that user by that request (an entry's child or one of its child
rows), and no child is logged twice for one request. Answers that show no child need no entry.
Reads the oracle cannot see (a plan form without the child's name, a picker of children the
cast has no second of) have their own tests at the end.

The walk takes its URLs and who may open them from the access matrix
(`tests/core/test_access_matrix.py`); `test_every_url_is_walked` fails when a URL name has no
walk, like the matrix does.
"""

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

import pytest
from django.urls import reverse

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.meetings.models import AgendaItem, DiscussionConsent
from tests.conftest import TODAY
from tests.core.test_access_matrix import (
    ACTIONS,
    ALL,
    MATRIX,
    MIA_CASE,
    PUBLIC,
    Case,
    _url,
    _url_names,
)

HELP_TEXT = re.compile(r'<span class="form-hint"[^>]*>.*?</span>', re.DOTALL)
# The entries that count as a use of a child's data shown to the user.
READS = [AuditAction.READ, AuditAction.SEARCH, AuditAction.EXPORT]


@dataclass(frozen=True)
class Walk:
    view: str
    target: str | None
    users: tuple[str, ...]


def _walks() -> list[Walk]:
    """One walk per URL of the matrix, by everyone who may open it in any method."""
    users: dict[tuple[str, str | None], set[str]] = {}
    for item in MATRIX:
        users.setdefault((item.view, item.target), set()).update(item.allowed)
    return [Walk(view, target, tuple(sorted(names))) for (view, target), names in users.items()]


WALKS = _walks()
# Public URLs are walked in their own tests below.
PUBLIC_WALKS = {
    "login": "test_sign_in_sign_out_and_failed_sign_in_are_logged",
    "logout": "test_sign_in_sign_out_and_failed_sign_in_are_logged",
    "set_language": "test_public_pages_show_no_child",
    "healthz": "test_public_pages_show_no_child",
    "readyz": "test_public_pages_show_no_child",
    "api:api-root": "test_public_pages_show_no_child",
    "api:openapi-json": "test_public_pages_show_no_child",
    "api:openapi-view": "test_public_pages_show_no_child",
    "api_v1:api-root": "test_public_pages_show_no_child",
    "api_v1:openapi-json": "test_public_pages_show_no_child",
    "api_v1:openapi-view": "test_public_pages_show_no_child",
    "planning-feed": "test_the_calendar_feed_logs_the_children_it_shows",
    "password-reset": "test_public_pages_show_no_child",
    "password-reset-done": "test_public_pages_show_no_child",
    "password-reset-confirm": "test_a_password_reset_link_shows_no_child",
    "password-reset-complete": "test_public_pages_show_no_child",
    # Sign-ins and refusals by single sign-on show no child; their log rows are tested there.
    "oidc-login": "tests/login/test_oidc.py::TestSignIn",
    "oidc-callback": "tests/login/test_oidc.py::TestRefusals",
}


def test_every_url_is_walked():
    walked = {walk.view for walk in WALKS} | set(PUBLIC_WALKS)
    missing = sorted(set(_url_names()) - walked)
    assert missing == [], f"URLs without an audit walk: {missing}"
    assert set(PUBLIC_WALKS) == PUBLIC


# --- The oracle ---------------------------------------------------------------------------------


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _text(response) -> str:
    """What a person reading the answer sees, as text."""
    data = _content(response)
    kind = response.get("Content-Type", "")
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except Exception:  # the cast's stored bundles are stubs, not whole PDFs
            return data.decode("latin-1")
    if data.startswith(b"PK"):  # XLSX and other zipped files: the XML inside
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    text = data.decode("utf-8", "replace")
    if "html" in kind:
        # A form's help texts are fixed examples (the CPR field's example is Mia's number).
        text = HELP_TEXT.sub("", text)
    if "calendar" in kind:
        text = text.replace("\r\n ", "")  # iCalendar folds long lines
    return text


def _shown_children(cast, response) -> set[str]:
    """The cast's children whose name, CPR number or public id the answer shows."""
    text = _text(response)
    shown = set()
    for child in (cast.mia, cast.emil, cast.xenia):
        cpr = child.cpr
        # An API answer names a child by its opaque id; that identifies the child as well.
        named = (child.full_name, cpr, f"{cpr[:6]}-{cpr[6:]}", str(child.public_id))
        if any(value in text for value in named):
            shown.add(str(child.public_id))
    return shown


def _logged_children(user, after_id: int) -> Counter:
    """Each child's number of read entries for `user` since entry `after_id`."""
    entries = AuditEntry.objects.filter(id__gt=after_id, actor=user, action__in=READS)
    links = AuditEntryChild.objects.filter(entry__in=entries).values_list("child_id", flat=True)
    return Counter(str(child_id) for child_id in links)


def _last_entry_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _check(cast, user, response, after_id: int, label: str) -> list[str]:
    shown = _shown_children(cast, response)
    logged = _logged_children(user, after_id)
    names = {str(c.public_id): c.first_name for c in (cast.mia, cast.emil, cast.xenia)}
    problems = []
    for child_id in sorted(shown):
        if logged[child_id] != 1:
            problems.append(
                f"{label}: {user.username} saw {names[child_id]}, logged {logged[child_id]}×"
            )
    for child_id, count in sorted(logged.items()):
        if count > 1:
            problems.append(f"{label}: {names.get(child_id, child_id)} logged {count}× at once")
    return problems


def _invalid_bodies(view: str) -> list[dict]:
    """A form with every required field missing (per action on pages with several). Not an
    empty body: a view sees that as no post at all (`request.POST or None`) and shows the
    form unbound, not refused."""
    return [{"action": action, "walk": "garbage"} for action in ACTIONS.get(view, [""])]


def _walk(cast, client, walk: Walk) -> list[str]:
    url = _url(cast, Case(walk.view, walk.target, frozenset(walk.users)))
    problems = []
    for username in walk.users:
        user = getattr(cast, username)
        client.force_login(user)
        before = _last_entry_id()
        response = client.get(url)
        problems += _check(cast, user, response, before, f"GET {walk.view}")
        for body in _invalid_bodies(walk.view):
            before = _last_entry_id()
            response = client.post(url, body)
            label = f"POST {walk.view} {body['action']}".rstrip()
            problems += _check(cast, user, response, before, label)
    return problems


@pytest.mark.parametrize("walk", WALKS, ids=lambda w: f"{w.view}[{w.target or '-'}]")
def test_every_child_shown_is_logged_once(cast, client, walk):
    problems = _walk(cast, client, walk)
    assert not problems, "\n".join(["Children shown without exactly one logged read:", *problems])


@pytest.mark.parametrize("walk", WALKS, ids=lambda w: f"{w.view}[{w.target or '-'}]")
def test_a_refused_request_logs_no_child(cast, ended, client, walk):
    """Everyone else gets 404 (the matrix), those whose relation to Mia's case ended too; a 404
    has shown nothing, so it logs no child."""
    url = _url(cast, Case(walk.view, walk.target, frozenset(walk.users)))
    refused = [getattr(cast, name) for name in sorted(ALL - set(walk.users))]
    if walk.target in MIA_CASE:
        refused += ended.users
    for user in refused:
        username = user.username
        client.force_login(user)
        before = _last_entry_id()
        client.get(url)
        for body in _invalid_bodies(walk.view):
            client.post(url, body)
        assert not _logged_children(user, before), f"{username} refused {walk.view}, logged"


# --- The oracle itself can fail -----------------------------------------------------------------


def test_the_oracle_finds_an_unlogged_child(cast, client):
    """The same walk over a page that shows Mia without logging her reports the gap."""
    from django.http import HttpResponse

    client.force_login(cast.bob)
    response = HttpResponse(f"<p>{cast.mia.full_name}</p>")
    problems = _check(cast, cast.bob, response, _last_entry_id(), "planted")
    assert problems == ["planted: bob saw Mia, logged 0×"]


@pytest.mark.parametrize(
    "view,target",
    [
        ("plan-pdf", "plan_mia"),
        ("participant-letter", "participant_mia"),
        ("plan-meeting-ics", "plan_meeting"),
        ("child-export", "mia"),
        ("api:get_child", "mia"),
        ("api_v1:get_child", "mia"),
    ],
)
def test_the_oracle_reads_files_and_api_answers(cast, client, view, target):
    """The walk's files are read as a person would: a PDF's text, an .ics, JSON."""
    client.force_login(cast.alice)
    response = client.get(_url(cast, Case(view, target, frozenset())))
    assert response.status_code == 200
    expected = set() if view == "plan-meeting-ics" else {str(cast.mia.public_id)}
    assert _shown_children(cast, response) == expected  # the .ics names no child


# --- Public pages, sign-ins and the log itself --------------------------------------------------


def test_public_pages_show_no_child(cast, client):
    client.force_login(cast.alice)
    for name in sorted(PUBLIC - {"login", "logout", "planning-feed", "password-reset-confirm"}):
        url = reverse(name)
        for response in (client.get(url), client.post(url, {})):
            assert _shown_children(cast, response) == set(), name


def test_a_password_reset_link_shows_no_child(cast, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(cast.gert.pk))
    link = reverse(
        "password-reset-confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(cast.gert)},
    )
    form = client.get(link, follow=True)
    assert "Gem adgangskode" in form.content.decode()
    for response in (form, client.post(form.redirect_chain[-1][0], {})):
        assert _shown_children(cast, response) == set()


def test_sign_in_sign_out_and_failed_sign_in_are_logged(cast, client):
    from tests.conftest import PASSWORD

    before = _last_entry_id()
    client.get(reverse("login"))
    assert not AuditEntry.objects.filter(id__gt=before).exists()
    client.post(reverse("login"), {"username": "bob", "password": "forkert"})
    client.post(reverse("login"), {})  # an empty form never reaches authentication
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    client.post(reverse("logout"))
    rows = list(
        AuditEntry.objects.filter(id__gt=before)
        .order_by("id")
        .values_list("action", "object_label", "actor__username")
    )
    assert rows == [
        ("login_failed", "bob", None),
        ("login", "bob", "bob"),
        ("logout", "bob", "bob"),
    ]


def test_reading_the_audit_log_is_logged(cast, client):
    client.force_login(cast.alice)
    before = _last_entry_id()
    client.post(reverse("audit-log"), {"user": "bob"}, follow=True)
    entry = AuditEntry.objects.get(id__gt=before)
    assert (entry.actor, entry.action, entry.object_type) == (cast.alice, "search", "auditlog")


def test_the_calendar_feed_logs_the_children_it_shows(cast, client):
    """The feed has no sign-in: its reads are logged for the feed's owner."""
    from inklusio.planning.models import CalendarFeed

    for user in cast.users:
        feed, _ = CalendarFeed.objects.get_or_create(
            user=user, defaults={"municipality_id": user.municipality_id}
        )
        before = _last_entry_id()
        response = client.get(reverse("planning-feed", args=[feed.token]))
        assert response.status_code == 200
        assert _check(cast, user, response, before, "feed") == []


# --- Reads the name-in-the-answer oracle cannot see or count ------------------------------------


def _reads_since(after_id: int):
    return AuditEntry.objects.filter(id__gt=after_id, action__in=READS)


class TestReadsTheOracleCannotSee:
    def test_a_refused_plan_edit_logs_the_plan_it_shows_again(self, cast, client):
        """The plan form shows Mia's plan (its problem, goals) without her name."""
        client.force_login(cast.bob)
        before = _last_entry_id()
        url = reverse("plan-edit", args=[cast.plan_mia.public_id])
        response = client.post(url, {"title": "", "version": cast.plan_mia.version})
        assert response.status_code == 200 and response.context["form"].errors
        reads = _reads_since(before)
        assert [(e.object_type, e.child_id) for e in reads] == [("actionplan", cast.mia.public_id)]

    def test_a_refused_adjustment_logs_the_plan_it_shows_again(self, cast, client):
        """The adjustment form shows the plan's strategies without the child's name."""
        client.force_login(cast.sara)
        before = _last_entry_id()
        url = reverse("plan-adjust", args=[cast.plan_mia.public_id])
        response = client.post(url, {"reason": ""})
        assert response.status_code == 200 and response.context["form"].errors
        reads = _reads_since(before)
        assert [(e.object_type, e.child_id) for e in reads] == [("actionplan", cast.mia.public_id)]

    def test_the_course_pages_child_picker_is_logged_in_the_same_entry(self, cast, client):
        """Bob may add any child at Bøgely to his course: the picker names children he does
        not otherwise see, and the page's one entry links them with the participants."""
        from tests.conftest import make_child

        lars = make_child(cast.ishoj, cast.boegely, "Lars", "0304224567")
        client.force_login(cast.bob)
        before = _last_entry_id()
        page = client.get(reverse("course-detail", args=[cast.course_boegely.public_id]))
        assert "Lars Testesen" in page.content.decode()
        (entry,) = _reads_since(before)
        assert set(entry.children.values_list("child_id", flat=True)) == {
            cast.mia.public_id,
            lars.public_id,
        }

    def test_a_course_page_is_one_entry_however_many_children_it_shows(self, cast, client):
        from inklusio.courses.models import Participant
        from tests.conftest import make_child

        lars = make_child(cast.ishoj, cast.boegely, "Lars", "0304224567")
        Participant.objects.create(
            municipality=cast.ishoj, course=cast.course_boegely, child=lars, role="role_model"
        )
        client.force_login(cast.sara)
        before = _last_entry_id()
        client.get(reverse("course-detail", args=[cast.course_boegely.public_id]))
        assert _reads_since(before).count() == 1
        assert AuditEntryChild.objects.filter(entry__id__gt=before).count() == 2

    def test_the_audit_log_links_the_children_it_names(self, cast, client):
        client.force_login(cast.bob)
        client.get(reverse("child-detail", args=[cast.mia.public_id]))
        client.force_login(cast.alice)
        before = _last_entry_id()
        client.post(reverse("audit-log"), {"user": "bob"}, follow=True)
        entry = AuditEntry.objects.get(id__gt=before)
        assert entry.object_type == "auditlog"
        assert list(entry.children.values_list("child_name", flat=True)) == ["Mia Testesen"]

    def test_the_start_page_logs_every_child_its_panels_name_in_one_entry(self, cast, client):
        """Bob's consultative meeting has Lars on the agenda, whom Bob knows from his course
        (not from a plan): the meetings panel names Lars, and the page's entry has him."""
        from inklusio.courses.models import Participant
        from tests.conftest import make_child

        lars = make_child(cast.ishoj, cast.boegely, "Lars", "0304224567")
        Participant.objects.create(
            municipality=cast.ishoj, course=cast.course_boegely, child=lars, role="case"
        )
        consent = DiscussionConsent.objects.create(
            municipality=cast.ishoj,
            child=lars,
            given_by="Lars' mor",
            given_on=TODAY,
            professions=["psychologist"],
            recorded_by=cast.alice,
        )
        AgendaItem.objects.create(
            municipality=cast.ishoj,
            meeting=cast.consultative_boegely,
            kind="child",
            child=lars,
            consent=consent,
            topic="Sprog",
            added_by=cast.alice,
        )
        client.force_login(cast.bob)
        before = _last_entry_id()
        page = client.get(reverse("start")).content.decode()
        assert "Lars Testesen" in page
        (entry,) = _reads_since(before)
        assert entry.object_type == "startpage"
        assert lars.public_id in set(entry.children.values_list("child_id", flat=True))

    def test_a_support_slot_in_the_weekly_plan_names_no_child(self, cast, client):
        """The weekly plan shows pedagogues and institutions by half-day; a support slot's
        child is kept for planning and shown to nobody."""
        from inklusio.planning.models import PlanSlot, WeeklyPlan

        # Published: the pedagogue and the staff read the plan in force, not a proposal.
        WeeklyPlan.objects.filter(pk=cast.plan.pk).update(status=WeeklyPlan.Status.PUBLISHED)
        PlanSlot.objects.create(
            municipality=cast.ishoj,
            plan=cast.plan,
            pedagogue=cast.bob,
            day=0,
            half=0,
            institution=cast.boegely,
            function="support",
            child=cast.mia,
        )
        url = reverse("planning-plan", args=[cast.plan.public_id])
        for user in (cast.alice, cast.cora, cast.bob, cast.sara):
            client.force_login(user)
            page = client.get(url)
            assert "Bøgely (S)" in page.content.decode() or user == cast.sara, user
            assert _shown_children(cast, page) == set(), user
