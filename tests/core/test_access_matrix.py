"""Every role × every view × own and other objects: 200 where the rules allow, else 404.

MATRIX is the single list of views with who may open them; `test_every_view_is_in_the_matrix`
fails when a URL is added without an entry here.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Views anyone may open (or that only redirect), kept out of the matrix on purpose.
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "readyz",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "planning-feed",  # authenticated by its secret token, see tests/planning
}
ALL = {"alice", "cora", "bob", "carl", "sara", "pia", "gert", "dora"}


@dataclass(frozen=True)
class Case:
    view: str
    target: str | None  # attribute of the cast, or None for views without an object
    allowed: frozenset[str]
    method: str = "get"
    success: int = 200


def case(view, target, allowed, method="get"):
    return Case(view, target, frozenset(allowed), method)


def post(view, target, allowed):
    """A form action: allowed users are redirected back (302), everyone else gets 404."""
    return Case(view, target, frozenset(allowed), "post", success=302)


def post_to_page(view, target, allowed):
    """An inline form of a page: the empty post comes back as the page with the form's
    errors (200) for allowed users; everyone else gets 404."""
    return Case(view, target, frozenset(allowed), "post", success=200)


# Mia is at Bøgely (bob attached, sara staff, pia invited, gert her father); Emil at Elverhøj
# (carl leads it); Xenia in Dragør. Cora's corps serves Bøgely only.
MATRIX = [
    case("start", None, ALL),
    case("child-list", None, ALL),
    case("child-create", None, {"alice", "carl", "dora"}),
    case("child-detail", "mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("child-detail", "emil", {"alice", "carl"}),
    case("child-detail", "xenia", {"dora"}),
    case("child-edit", "mia", {"alice"}),
    case("child-edit", "emil", {"alice", "carl"}),
    case("child-edit", "xenia", {"dora"}),
    case("child-export", "mia", {"alice"}),
    case("child-export", "xenia", {"dora"}),
    case("guardian-add", "mia", {"alice"}),
    case("guardian-add", "emil", {"alice", "carl"}),
    case("guardian-add", "xenia", {"dora"}),
    case("institution-list", None, ALL),
    case("institution-detail", "boegely", {"alice", "cora", "bob", "sara", "pia"}),
    case("institution-detail", "elverhoej", {"alice", "cora", "carl"}),
    case("institution-detail", "soestjernen", {"dora"}),
    case("resource-group-list", None, ALL),
    case("resource-group-detail", "group_boegely", {"alice", "cora", "bob", "sara", "pia"}),
    case("resource-group-detail", "group_dragoer", {"dora"}),
    case("audit-log", None, {"alice", "dora"}),
    case("api:list_children", None, ALL),
    case("api:list_institutions", None, ALL),
    case("api:get_child", "mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("api:get_child", "emil", {"alice", "carl"}),
    case("api:get_child", "xenia", {"dora"}),
    case("api:list_decisions", None, ALL),
    case("api:list_courses", None, ALL),
    case("planning-overview", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
    case("planning-plan", "plan", {"alice", "cora", "bob", "carl", "sara"}),
    post("planning-replan", "plan", {"cora"}),
    post("planning-slot-edit", "plan", {"cora"}),
    post("planning-publish", "plan", {"cora"}),
    post("planning-resolve", "plan", {"cora"}),
    case("planning-contract", "contract_bob", {"alice", "cora", "bob"}),
    # Visitation. Pia referred Mia; Carl has a draft for Emil; the committee is the administration.
    case("visitation-overview", None, {"alice", "carl", "pia", "dora"}),
    case("referral-create", None, {"alice", "carl", "pia", "dora"}),
    case("referral-detail", "referral_mia", {"alice", "pia"}),
    case("referral-detail", "draft_emil", {"alice", "carl"}),
    case("referral-edit", "draft_emil", {"alice", "carl"}),
    case("referral-edit", "referral_mia", set()),  # submitted referrals are locked
    post("referral-submit", "draft_emil", {"alice", "carl"}),
    post("referral-addendum", "referral_mia", {"alice", "pia"}),
    post("referral-attachment", "referral_mia", {"alice", "pia"}),
    case("attachment-download", "attachment_mia", {"alice", "pia"}),
    post("period-create", None, {"alice", "dora"}),
    post("meeting-create", None, {"alice", "dora"}),
    case("visitation-legal-bases", None, {"alice", "dora"}),
    case("meeting-detail", "meeting", {"alice"}),
    case("meeting-decide", "meeting", {"alice"}),
    case("reassessment-list", None, {"alice", "dora"}),
    case("waiting-list", None, {"alice", "dora"}),
    case("decision-detail", "decision_mia", {"alice", "cora", "bob", "pia", "gert"}),
    post("letter-issue", "decision_mia", {"alice"}),
    post("decision-placed", "decision_mia", {"alice"}),
    case("decision-end", "decision_mia", {"alice"}),
    case("decision-reassess", "decision_mia", {"alice"}),
    case("appeal-create", "decision_mia", {"alice"}),
    case("letter-download", "letter_mia", {"alice", "cora", "bob", "pia", "gert"}),
    post("letter-sent", "letter_mia", {"alice"}),
    post("appeal-uphold", "appeal_mia", {"alice"}),
    case("appeal-change", "appeal_mia", {"alice"}),
    case("appeal-bundle", "appeal_mia", {"alice"}),
    # Resource courses. Bob runs the course at Bøgely (sara is staff there, cora's corps serves it).
    case("course-overview", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
    case("task-create", None, {"alice", "carl", "dora"}),
    case("task-detail", "task_boegely", {"alice", "cora", "bob", "sara"}),
    case("course-create", None, {"alice", "cora", "bob", "carl", "dora"}),
    case("course-detail", "course_boegely", {"alice", "cora", "bob", "sara"}),
    case("course-edit", "course_boegely", {"alice", "cora", "bob"}),
    case("course-close", "course_boegely", {"alice", "cora", "bob"}),
    post_to_page("participant-add", "course_boegely", {"alice", "cora", "bob", "sara"}),
    post_to_page("session-plan", "course_boegely", {"alice", "cora", "bob", "sara"}),
    post_to_page("observation-add", "course_boegely", {"alice", "cora", "bob", "sara"}),
    case("participant-letter", "participant_mia", {"alice", "cora", "bob", "sara"}),
    post("participant-letter-given", "participant_mia", {"alice", "cora", "bob", "sara"}),
    case("measure-record", "participant_mia", {"alice", "cora", "bob", "sara"}),
    case("session-record", "session_boegely", {"alice", "cora", "bob", "sara"}),
    # Action plans. Bob owns Mia's plan; Bob, Sara and Gert took part in its meeting.
    case("plan-list", None, ALL),
    case("plan-create", None, {"alice", "cora", "bob", "carl", "dora"}),
    case("plan-detail", "plan_mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("plan-versions", "plan_mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("plan-pdf", "plan_mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("plan-edit", "plan_mia", {"alice", "bob"}),
    case("plan-adjust", "plan_mia", {"alice", "cora", "bob", "sara", "gert"}),
    case("plan-meeting-create", "plan_mia", {"alice", "bob"}),
    case("plan-close", "plan_mia", {"alice", "bob"}),
    post("adjustment-decide", "adjustment_mia", {"alice", "bob"}),
    case("plan-meeting", "plan_meeting", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("plan-meeting-ics", "plan_meeting", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    # Consultative meetings: Bøgely's, with Pia invited; consent is recorded by institution,
    # administration or the guardian.
    case("consultative-list", None, {"alice", "cora", "bob", "carl", "sara", "pia", "dora"}),
    case("consultative-detail", "consultative_boegely", {"alice", "cora", "bob", "sara", "pia"}),
    case("consultative-ics", "consultative_boegely", {"alice", "cora", "bob", "sara", "pia"}),
    post("recommendation-add", "item_mia", {"alice", "cora", "bob", "sara", "pia"}),
    post("recommendation-to-plan", "recommendation_mia", {"alice", "cora", "bob", "sara"}),
    case("consents", "mia", {"alice", "bob", "gert"}),
    post("consent-withdraw", "consent_mia", {"alice", "bob", "gert"}),
    # Statistics: aggregated figures for the administration and the corps leader.
    case("statistics-index", None, {"alice", "cora", "dora"}),
    case("statistics-table", None, {"alice", "cora", "dora"}),
    case("statistics-download", None, {"alice", "cora", "dora"}),
    case("statistics-workbook", None, {"alice", "cora", "dora"}),
    case("statistics-report", None, {"alice", "cora", "dora"}),
    case("job-list", None, ALL),
]
URL_ARGUMENTS = {
    "statistics-table": {"name": "support-categories"},
    "statistics-download": {"name": "support-categories", "fmt": "csv"},
}
QUERIES = {"statistics-report": "?year=2026"}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _url(cast, item: Case) -> str:
    if item.target is None:
        return reverse(item.view, kwargs=URL_ARGUMENTS.get(item.view)) + QUERIES.get(item.view, "")
    target = getattr(cast, item.target)
    key = "child_id" if item.view.startswith("api:") else "public_id"
    kwargs = {key: target.public_id}
    if item.view == "meeting-decide":
        kwargs["referral_id"] = cast.waiting_emil.public_id
    if item.view == "measure-record":
        kwargs["phase"] = "start"
    return reverse(item.view, kwargs=kwargs)


def test_every_view_is_in_the_matrix():
    covered = {item.view for item in MATRIX} | PUBLIC
    missing = sorted(set(_url_names()) - covered)
    assert missing == [], f"Views without access rules in the matrix: {missing}"


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_access_matrix(cast, client, item):
    url = _url(cast, item)
    for username in sorted(ALL):
        client.force_login(getattr(cast, username))
        status = getattr(client, item.method)(url).status_code
        expected = item.success if username in item.allowed else 404
        assert status == expected, f"{username} got {status} for {url}, expected {expected}"


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_anonymous_is_sent_to_login(cast, client, item):
    response = getattr(client, item.method)(_url(cast, item))
    if item.view.startswith("api:"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
