"""Every role × every view × HTTP method × own/other/ended objects: 200 where the rules allow,
else 404.

MATRIX is the single list of views with who may open them; `test_every_view_is_in_the_matrix`
fails when a URL is added without an entry here. The method dimension posts a valid-looking body
of every form action to every view as every user who may not use it: the answer is 404 (or 403,
or the login page for the anonymous) and nothing in the database changes. The time dimension
does the same for the users whose relation to Mia's case has ended (the `ended` fixture).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import TODAY, last_weeks_session, make_user
from tests.partners.directory import PARTNER_TARGETS, partner_target

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
    "api_v1:api-root",
    "api_v1:openapi-json",
    "api_v1:openapi-view",
    "planning-feed",  # authenticated by its secret token, see tests/planning
    # A forgotten password: the same answer for everyone (tests/login/test_passwords.py).
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
    "oidc-login",  # single sign-on: off to the provider, see tests/login/test_oidc.py
    "oidc-callback",  # single sign-on: back from the provider, see tests/login/test_oidc.py
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


def is_api(view: str) -> bool:
    return view.startswith(("api:", "api_v1:"))


def api_post(view, target, allowed, success=201):
    """A write of the API, posted as JSON with the body of API_BODIES: allowed users get
    `success` (or 422 when the service refuses a repeat of what another allowed user just
    did, e.g. a session recorded twice); everyone else 404."""
    return Case(view, target, frozenset(allowed), "post", success=success)


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
    # The list of children and the global search: everyone who works with children, each within
    # what they may see (tests/core/test_global_search); a family has its own page (Mit barn).
    case("child-list", None, ALL - {"gert"}),
    case("search", None, ALL - {"gert"}),
    post_to_page("search", None, ALL - {"gert"}),
    case("child-create", None, {"alice", "carl", "dora"}),
    case("child-detail", "mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("child-detail", "emil", {"alice", "carl"}),
    case("child-detail", "xenia", {"dora"}),
    case("child-edit", "mia", {"alice"}),
    case("child-edit", "emil", {"alice", "carl"}),
    case("child-edit", "xenia", {"dora"}),
    # The whole CPR number: the administration and the leader of the child's institution.
    post_to_page("child-cpr-reveal", "mia", {"alice"}),
    post_to_page("child-cpr-reveal", "emil", {"alice", "carl"}),
    post_to_page("child-cpr-reveal", "xenia", {"dora"}),
    case("child-export", "mia", {"alice"}),
    case("child-export", "xenia", {"dora"}),
    case("guardian-add", "mia", {"alice"}),
    case("guardian-add", "emil", {"alice", "carl"}),
    case("guardian-add", "xenia", {"dora"}),
    # Correcting a guardian (the child's first, one made for Emil and Xenia): as adding one.
    case("guardian-edit", "mia", {"alice"}),
    case("guardian-edit", "emil", {"alice", "carl"}),
    case("guardian-edit", "xenia", {"dora"}),
    post_to_page("guardian-edit", "mia", {"alice"}),
    post_to_page("guardian-edit", "emil", {"alice", "carl"}),
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
    # API v1 (docs/api.md): lists answer everyone with what they may see (maybe nothing);
    # a record the same as its page; writes as the page that does the same.
    *[
        case(f"api_v1:{name}", None, ALL)
        for name in (
            "list_institutions",
            "list_rooms",
            "list_resource_groups",
            "list_children",
            "list_guardians",
            "list_referrals",
            "list_decisions",
            "list_letters",
            "list_action_plans",
            "list_courses",
            "list_sessions",
            "list_consultative_meetings",
            "list_weekly_plans",
        )
    ],
    case("api_v1:get_institution", "boegely", {"alice", "cora", "bob", "sara", "pia"}),
    case("api_v1:get_institution", "elverhoej", {"alice", "cora", "carl"}),
    case("api_v1:get_institution", "soestjernen", {"dora"}),
    case("api_v1:get_resource_group", "group_boegely", {"alice", "cora", "bob", "sara", "pia"}),
    case("api_v1:get_resource_group", "group_dragoer", {"dora"}),
    case("api_v1:get_child", "mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("api_v1:get_child", "emil", {"alice", "carl"}),
    case("api_v1:get_child", "xenia", {"dora"}),
    case("api_v1:get_child_cpr", "mia", {"alice"}),
    case("api_v1:get_child_cpr", "emil", {"alice", "carl"}),
    case("api_v1:get_child_cpr", "xenia", {"dora"}),
    case("api_v1:get_referral", "referral_mia", {"alice", "pia"}),
    case("api_v1:get_referral", "draft_emil", {"alice", "carl"}),
    api_post("api_v1:create_referral_draft", "mia", {"alice", "pia"}),
    api_post("api_v1:create_referral_draft", "emil", {"alice", "carl"}),
    case("api_v1:get_decision", "decision_mia", {"alice", "cora", "bob", "pia", "gert"}),
    case("api_v1:get_letter_pdf", "letter_mia", {"alice", "cora", "bob", "pia", "gert"}),
    case("api_v1:get_action_plan", "plan_mia", {"alice", "cora", "bob", "sara", "pia", "gert"}),
    case("api_v1:get_course", "course_boegely", {"alice", "cora", "bob", "sara"}),
    api_post(
        "api_v1:record_session_held",
        "session_boegely_past",
        {"alice", "cora", "bob", "sara"},
        200,
    ),
    api_post(
        "api_v1:record_session_cancelled", "session_boegely", {"alice", "cora", "bob", "sara"}, 200
    ),
    case(
        "api_v1:get_consultative_meeting",
        "consultative_boegely",
        {"alice", "cora", "bob", "sara", "pia"},
    ),
    case("api_v1:get_weekly_plan", "plan", {"alice", "cora"}),
    case("api_v1:get_weekly_plan", "plan_published", {"alice", "cora", "bob", "carl", "sara"}),
    api_post("api_v1:create_absence", None, {"cora"}),
    case("api_v1:list_statistics", None, {"alice", "cora", "dora"}),
    case("api_v1:get_statistics_table", None, {"alice", "cora", "dora"}),
    # API tokens: one's own (the administration: the municipality's people's too); a family
    # uses the web pages and holds none.
    case("api-tokens", None, ALL - {"gert"}),
    post("api-token-revoke", "token_bob", {"alice", "bob"}),
    case("planning-overview", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
    # The cast's plan is a proposal: the corps leader's draft; a plan in force is seen by
    # the corps and its institutions.
    case("planning-plan", "plan", {"alice", "cora"}),
    case("planning-plan", "plan_published", {"alice", "cora", "bob", "carl", "sara"}),
    # A refused re-plan or manual edit (here: the empty form) comes back with what was typed (200).
    post_to_page("planning-replan", "plan", {"cora"}),
    post_to_page("planning-slot-edit", "plan", {"cora"}),
    # Publishing is a confirm page: a POST without "Bekræft" shows it again (200).
    case("planning-publish", "plan", {"cora"}),
    post_to_page("planning-publish", "plan", {"cora"}),
    post("planning-resolve", "plan", {"cora"}),
    case("planning-contract", "contract_bob", {"alice", "cora", "bob"}),
    # Bob's coming absence (made on demand, `_lazy_target`): the corps leader deletes it.
    case("planning-absence-delete", "absence_bob", {"cora"}),
    post_to_page("planning-absence-delete", "absence_bob", {"cora"}),
    post("planning-feed-create", None, ALL),  # everyone may make their own calendar address
    # Visitation. Pia referred Mia; Carl has a draft for Emil; the committee is the administration.
    case("visitation-overview", None, {"alice", "carl", "pia", "dora"}),
    case("referral-create", None, {"alice", "carl", "pia", "dora"}),
    case("referral-detail", "referral_mia", {"alice", "pia"}),
    case("referral-detail", "draft_emil", {"alice", "carl"}),
    case("referral-edit", "draft_emil", {"alice", "carl"}),
    case("referral-edit", "referral_mia", set()),  # submitted referrals are locked
    case("referral-submit", "draft_emil", {"alice", "carl"}),
    post_to_page("referral-submit", "draft_emil", {"alice", "carl"}),
    # Withdrawing: the referrer or the administration, a draft or one not yet decided.
    case("referral-withdraw", "draft_emil", {"alice", "carl"}),
    post_to_page("referral-withdraw", "draft_emil", {"alice", "carl"}),
    case("referral-withdraw", "waiting_emil", {"alice", "carl"}),
    post_to_page("referral-withdraw", "waiting_emil", {"alice", "carl"}),
    case("referral-withdraw", "referral_mia", set()),  # decided: ended or appealed instead
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
    case("granted-not-started", None, {"alice", "dora"}),
    post("waiting-add", "waiting_emil", {"alice"}),
    post_to_page("waiting-move", "queued_emil", {"alice"}),
    post_to_page("waiting-remove", "queued_emil", {"alice"}),
    case("waiting-offer", "queued_emil", {"alice"}),
    case("decision-detail", "decision_mia", {"alice", "cora", "bob", "pia", "gert"}),
    post("letter-issue", "decision_mia", {"alice"}),
    post_to_page("decision-placed", "decision_mia", {"alice"}),
    case("decision-end", "decision_mia", {"alice"}),
    case("decision-reassess", "decision_mia", {"alice"}),
    case("appeal-create", "decision_mia", {"alice"}),
    case("letter-download", "letter_mia", {"alice", "cora", "bob", "pia", "gert"}),
    post_to_page("letter-sent", "letter_mia", {"alice"}),
    case("appeal-uphold", "appeal_mia", {"alice"}),
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
    post_to_page("participant-letter-given", "participant_mia", {"alice", "cora", "bob", "sara"}),
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
    case("plan-resolve", "plan_mia", {"alice", "bob"}),
    # Only a closed plan can be reopened: Mia's is open, so no one may (tests/plans covers a
    # closed one: its managers may, no one else, nor those whose relation ended).
    case("plan-reopen", "plan_mia", set()),
    # The goal bank: the administration keeps it, plan writers read their municipality's.
    case("goal-bank", None, {"alice", "cora", "bob", "carl", "dora"}),
    case("goal-bank-create", None, {"alice", "dora"}),
    post_to_page("goal-bank-create", None, {"alice", "dora"}),
    case("goal-bank-edit", "goal_bank_ishoj", {"alice"}),
    post_to_page("goal-bank-edit", "goal_bank_ishoj", {"alice"}),
    case("goal-bank-retire", "goal_bank_ishoj", {"alice"}),
    post_to_page("goal-bank-retire", "goal_bank_ishoj", {"alice"}),
    case("adjustment-decide", "adjustment_mia", {"alice", "bob"}),
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
    # The guardians' page (issue 18): Gert's own child only, while the guardianship lasts; his
    # one child's page is where the start of it sends him (302).
    Case("family-home", None, frozenset({"gert"}), success=302),
    case("family-child", "mia", {"gert"}),
    case("family-child", "emil", set()),
    post_to_page("family-consent-give", "mia", {"gert"}),
    post_to_page("family-consent-give", "emil", set()),
    # No letter has been given for Mia's course yet (tests/family: once given, Gert's alone).
    case("family-course-letter", "participant_mia", set()),
    # Messages on Mia's plan: its guardian, its owner (bob) and who took part in its meeting
    # (sara; gert too); not the partner, the corps leader or the administration.
    case("message-list", None, {"bob", "sara", "gert"}),
    case("plan-messages", "plan_mia", {"bob", "sara", "gert"}),
    post_to_page("plan-messages", "plan_mia", {"bob", "sara", "gert"}),
    post("plan-messages-read", "plan_mia", {"bob", "sara", "gert"}),
    # Transitions: Alice handed Mia over to Carl at Elverhøj (shared, consent in force). Carl
    # sees the handover and its packet, never Mia's page; Bøgely has no leader in the cast.
    case("handover-list", None, {"alice", "carl", "dora"}),
    case("handover-create", "mia", {"alice"}),
    case("handover-create", "emil", {"alice", "carl"}),
    case("handover-create", "xenia", {"dora"}),
    case("handover-detail", "handover_mia", {"alice", "carl"}),
    case("handover-pdf", "handover_mia", {"alice", "carl"}),
    post_to_page("handover-share", "handover_mia", {"alice"}),
    post_to_page("handover-meeting", "handover_mia", {"alice", "carl"}),
    # Early detection: Sara (staff at Bøgely) screens Solsikken with Mia in it; Carl opens rounds
    # at Elverhøj; the administration follows every round but fills in none.
    case("screening-list", None, {"alice", "carl", "sara", "dora"}),
    post_to_page("screening-list", None, {"carl", "sara"}),
    case("screening-round", "screening_boegely", {"alice", "sara"}),
    post_to_page("screening-round", "screening_boegely", {"sara"}),
    post("screening-close", "screening_boegely", {"sara"}),
    # Partners (issue 18.3): the administration keeps the directory of its own municipality;
    # the administration and the leader of the institution invite to a child, a plan or a
    # meeting there (Bøgely has no leader in the cast, Carl leads Elverhøj), and the inviter,
    # the leader or the administration ends an invitation early (a confirm page).
    case("partner-directory", None, {"alice", "dora"}),
    case("partner-organisation-create", None, {"alice", "dora"}),
    post_to_page("partner-organisation-create", None, {"alice", "dora"}),
    case("partner-organisation-edit", "organisation_ishoj", {"alice"}),
    post_to_page("partner-organisation-edit", "organisation_ishoj", {"alice"}),
    case("partner-organisation-deactivate", "organisation_ishoj", {"alice"}),
    post_to_page("partner-organisation-deactivate", "organisation_ishoj", {"alice"}),
    case("partner-person-create", None, {"alice", "dora"}),
    post_to_page("partner-person-create", None, {"alice", "dora"}),
    case("partner-person-edit", "profile_pia", {"alice"}),
    post_to_page("partner-person-edit", "profile_pia", {"alice"}),
    case("partner-person-deactivate", "profile_pia", {"alice"}),
    post_to_page("partner-person-deactivate", "profile_pia", {"alice"}),
    case("partner-invitations", None, {"alice", "carl", "dora"}),
    case("partner-invitation-end", "invitation_pia", {"alice"}),
    post_to_page("partner-invitation-end", "invitation_pia", {"alice"}),
    case("partner-invite-child", "mia", {"alice"}),
    post_to_page("partner-invite-child", "mia", {"alice"}),
    case("partner-invite-child", "emil", {"alice", "carl"}),
    post_to_page("partner-invite-child", "emil", {"alice", "carl"}),
    case("partner-invite-child", "xenia", {"dora"}),
    case("partner-invite-plan", "plan_mia", {"alice"}),
    post_to_page("partner-invite-plan", "plan_mia", {"alice"}),
    case("partner-invite-plan-meeting", "plan_meeting", {"alice"}),
    post_to_page("partner-invite-plan-meeting", "plan_meeting", {"alice"}),
    case("partner-invite-meeting", "consultative_boegely", {"alice"}),
    post_to_page("partner-invite-meeting", "consultative_boegely", {"alice"}),
    # Statistics: aggregated figures for the administration and the corps leader.
    case("statistics-index", None, {"alice", "cora", "dora"}),
    case("statistics-table", None, {"alice", "cora", "dora"}),
    case("statistics-download", None, {"alice", "cora", "dora"}),
    case("statistics-workbook", None, {"alice", "cora", "dora"}),
    case("statistics-report", None, {"alice", "cora", "dora"}),
    # Data-subject requests: the administration of the child's municipality keeps the register.
    case("privacy-requests", None, {"alice", "dora"}),
    case("privacy-child", "mia", {"alice"}),
    case("privacy-child", "xenia", {"dora"}),
    post_to_page("privacy-child", "mia", {"alice"}),
    case("privacy-request", "data_request_mia", {"alice"}),
    post_to_page("privacy-request", "data_request_mia", {"alice"}),
    post("privacy-export", "data_request_mia", {"alice"}),
    # Background jobs: a file is its requester's; a finished job is not sent round again.
    case("job-list", None, ALL),
    case("job-detail", "job_cora", {"cora"}),
    case("job-download", "job_cora", {"cora"}),
    post("job-retry", "job_cora", set()),
    # Imports: the administration of the municipality only (its own imports, not Dragør's).
    case("import-list", None, {"alice", "dora"}),
    post_to_page("import-list", None, {"alice", "dora"}),
    case("import-template", None, {"alice", "dora"}),
    case("import-detail", "import_alice", {"alice"}),
    post("import-execute", "import_alice", {"alice"}),
    # The archive of the whole municipality (docs/archive.md): its administration only; the
    # post orders the file from the worker and goes to its page.
    case("archive-export", None, {"alice", "dora"}),
    post("archive-export", None, {"alice", "dora"}),
    # Retention: the administration reads the dry run, confirms it and sets the periods.
    case("retention-overview", None, {"alice", "dora"}),
    post("retention-run", None, {"alice", "dora"}),
    case("retention-settings", None, {"alice", "dora"}),
    # Signing in (tests/login): one's own account; the second-factor step sends a session that
    # owes nothing on (302); the administration resets a lost second factor in its municipality.
    case("account", None, ALL),
    Case("two-factor-verify", None, frozenset(ALL), success=302),
    case("two-factor-enrol", None, ALL),
    case("two-factor-recovery-codes", None, ALL),
    case("password-change", None, ALL),
    case("second-factor-users", None, {"alice", "dora"}),
    post("second-factor-reset", "bob", {"alice"}),
    # The users page: the administration changes, moves, closes and reopens its municipality's
    # staff accounts (dora's own page of bob is another municipality's: 404).
    case("user-create", None, {"alice", "dora"}),
    post_to_page("user-create", None, {"alice", "dora"}),
    case("user-edit", "bob", {"alice"}),
    post_to_page("user-edit", "carl", {"alice"}),
    post("user-deactivate", "staff_leaving", {"alice"}),
    post("user-reactivate", "staff_left", {"alice"}),
    # The today list and its reminder setting: every staff role, each for themselves.
    case("today", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
    case("reminder-settings", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
    post("reminder-settings", None, {"alice", "cora", "bob", "carl", "sara", "dora"}),
]
URL_ARGUMENTS = {
    "statistics-table": {"name": "support-categories"},
    "statistics-download": {"name": "support-categories", "fmt": "csv"},
    "import-template": {"kind": "children", "fmt": "xlsx"},
    "api_v1:get_statistics_table": {"name": "support-categories"},
}
# API writes whose address names no record: the target is the child the body is about.
TARGET_IN_BODY = {"api_v1:create_referral_draft"}


def api_body(cast, item: Case) -> dict:
    """The JSON body of an API write, valid for those allowed to make it."""
    match item.view:
        case "api_v1:create_referral_draft":
            return {
                "child": str(getattr(cast, item.target).public_id),
                "offer": "support_pedagogue",
                "category": "development",
                "description": "Svært ved overgange.",
                "duplicate_reason": "Ny vurdering fra psykologen.",
            }
        case "api_v1:record_session_held":
            return {"attendees": [str(cast.mia.public_id)], "note": ""}
        case "api_v1:record_session_cancelled":
            return {"cause": "illness"}
        case "api_v1:create_absence":
            return {"pedagogue": "bob", "start": LATER, "end": LATER, "kind": "course"}
    raise AssertionError(f"no API body for {item.view}")


QUERIES = {"statistics-report": "?year=2026"}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, inner)
        elif isinstance(entry, URLPattern):
            # An unnamed pattern cannot be given an entry, so it fails the check as well.
            yield f"{namespace}{entry.name or entry.pattern}"


def _lazy_target(cast, name: str):
    """Targets not in the cast (other tests count its absences, goals and sessions), made on
    first use."""
    from inklusio.children.models import PartnerInvitation
    from inklusio.planning.models import Absence, WeeklyPlan
    from inklusio.plans.models import GoalBankEntry

    if name in PARTNER_TARGETS:
        return partner_target(cast, name)
    if name == "invitation_pia":
        return PartnerInvitation.objects.get(partner=cast.pia, child=cast.mia)
    if name == "session_boegely_past":
        return last_weeks_session(cast)
    if name in ("staff_leaving", "staff_left"):
        # Not a cast member: closing one of them would sign them out of their own matrix row.
        from inklusio.people.models import Role, User

        existing = User.objects.filter(username=name).first()
        if existing is not None:
            return existing
        user = make_user(name, cast.ishoj, Role.STAFF, institution=cast.boegely)
        if name == "staff_left":
            user.is_active, user.deactivated_on = False, TODAY
            user.save()
        return user

    if name == "plan_published":
        return WeeklyPlan.objects.get_or_create(
            municipality=cast.ishoj,
            week_start=cast.plan.week_start + datetime.timedelta(days=7),
            status=WeeklyPlan.Status.PUBLISHED,
            defaults={"created_by": cast.cora},
        )[0]
    if name == "absence_bob":
        absence, _ = Absence.objects.get_or_create(
            municipality=cast.ishoj,
            pedagogue=cast.bob,
            start=TODAY + datetime.timedelta(days=60),
            end=TODAY + datetime.timedelta(days=61),
            kind=Absence.Kind.COURSE,
            defaults={"created_by": cast.cora},
        )
        return absence
    entry, _ = GoalBankEntry.objects.get_or_create(
        municipality=cast.ishoj,
        goal="Leger med mindst én kammerat i frileg",
        defaults={
            "category": "contact_behaviour",
            "success_criterion": "Pædagogerne ser leg med en kammerat dagligt",
            "created_by": cast.alice,
        },
    )
    return entry


def _guardian_of(child):
    """The child's first guardian (Mia's father), made on first use for a child without one;
    it has a phone number, so the matrix's body (no way to contact) is refused at the form."""
    from inklusio.children.models import Guardian, Guardianship

    guardianship = child.guardianships.select_related("guardian").order_by("pk").first()
    if guardianship is not None:
        return guardianship.guardian
    guardian = Guardian.objects.create(
        municipality_id=child.municipality_id, name="Hanne Testesen", phone="12345678"
    )
    Guardianship.objects.create(
        municipality_id=child.municipality_id, child=child, guardian=guardian, relation="mor"
    )
    return guardian


LAZY_TARGETS = {
    "absence_bob",
    "goal_bank_ishoj",
    "invitation_pia",
    "plan_published",
    "session_boegely_past",
    "staff_leaving",
    "staff_left",
    *PARTNER_TARGETS,
}

# Views of one account, found by its username.
USERNAME_VIEWS = ("second-factor-reset", "user-edit", "user-deactivate", "user-reactivate")


def _url(cast, item: Case) -> str:
    if item.target is None or item.view in TARGET_IN_BODY:
        return reverse(item.view, kwargs=URL_ARGUMENTS.get(item.view)) + QUERIES.get(item.view, "")
    if item.target in LAZY_TARGETS:
        target = _lazy_target(cast, item.target)
        if item.view == "planning-absence-delete":
            return reverse(
                item.view,
                kwargs={"public_id": cast.contract_bob.public_id, "absence_id": target.pk},
            )
        if item.view in USERNAME_VIEWS:
            return reverse(item.view, kwargs={"username": target.username})
        return reverse(item.view, kwargs={"public_id": target.public_id})
    target = getattr(cast, item.target)
    if item.view in USERNAME_VIEWS:
        return reverse(item.view, kwargs={"username": target.username})
    key = "child_id" if item.view.startswith("api:") else "public_id"  # v1 names it public_id
    kwargs = {key: target.public_id}
    if item.view == "meeting-decide":
        kwargs["referral_id"] = cast.waiting_emil.public_id
    if item.view == "measure-record":
        kwargs["phase"] = "start"
    if item.view == "guardian-edit":
        kwargs["guardian_id"] = _guardian_of(target).public_id
    return reverse(item.view, kwargs=kwargs)


def test_every_view_is_in_the_matrix():
    covered = {item.view for item in MATRIX} | PUBLIC
    missing = sorted(set(_url_names()) - covered)
    assert missing == [], f"Views without access rules in the matrix: {missing}"


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_access_matrix(cast, client, item):
    url = _url(cast, item)
    succeeded = []
    for username in sorted(ALL):
        client.force_login(getattr(cast, username))
        if is_api(item.view) and item.method == "post":
            body = api_body(cast, item)
            status = client.post(url, body, content_type="application/json").status_code
            if username in item.allowed and status == item.success:
                succeeded.append(username)
                continue
            expected = 422 if username in item.allowed and succeeded else 404
        else:
            status = getattr(client, item.method)(url).status_code
            expected = item.success if username in item.allowed else 404
        assert status == expected, f"{username} got {status} for {url}, expected {expected}"
    if is_api(item.view) and item.method == "post" and item.allowed:
        assert succeeded, f"no allowed user could POST {url}"


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_anonymous_is_sent_to_login(cast, client, item):
    response = getattr(client, item.method)(_url(cast, item))
    if is_api(item.view):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Method dimension: every POST action, with a body that would pass the forms -----------------

LATER = (TODAY + datetime.timedelta(days=7)).isoformat()
# One body with the fields of the project's forms, valid-looking for each of them; views with
# several form actions on one page get one post per action.
BODY = {
    "text": "Ny tekst",
    "topic": "Stuen er urolig ved frokost",
    "kind": "group",
    "reason": "Ændring efter møde",
    "minutes": "Nyt referat",
    "note": "Note",
    "date": LATER,
    "start": LATER,
    "end": LATER,
    "start_time": "09:00",
    "received_on": LATER,
    "first_name": "Nyt",
    "last_name": "Barn",
    "cpr": "0101224321",
    "name": "Ny Forælder",
    "relation": "mor",
    "title": "Ny titel",
    "goals": "Mål",
    "problem": "Problem",
    "strategies": "Strategier",
    "duration": "Et halvt år",
    "description": "Beskrivelse",
    "evaluation": "Evaluering",
    "methods_in_practice": "partly",
    "agreement_text": "Aftale",
    "agreement_owner": "Stuen",
    "given_by": "Gert Testesen",
    "given_on": TODAY.isoformat(),
    "professions": "psychologist",
    "accept": "1",
    "answer": "agree",
    "support_places": "3",
    "outcome": "granted",
    "offer": "support_pedagogue",
    "category": "development",
    "reasons": "Begrundelse",
    "value": "3",
    "version": "1",
    "place": "Bøgely",
    "function": "support",
    "ended_on": LATER,
}
ACTIONS = {
    "consultative-detail": ["item", "minutes"],
    "plan-meeting": ["hold", "acknowledge"],
    # The contract (no action; the absence form is told by its fields) and the attachments.
    "planning-contract": ["", "attach", "end-attachment"],
}
# Rows that change when someone merely signs in or reads, not when a POST does something.
IGNORED_FIELDS = {"people.user": {"last_login"}}
IGNORED_MODELS = {"sessions.session", "audit.auditentry"}


# Form actions on a page that fewer users may use than may read the page.
ACTION_ALLOWED = {
    ("consultative-detail", "item"): {"alice", "cora", "bob"},
    ("consultative-detail", "minutes"): {"alice", "cora", "bob"},
    ("plan-meeting", "hold"): {"alice", "bob"},
    # The corps leader edits the contract; she and the administration attach pedagogues to
    # institutions; the pedagogue only reads.
    ("planning-contract", ""): {"cora"},
    ("planning-contract", "attach"): {"alice", "cora"},
    ("planning-contract", "end-attachment"): {"alice", "cora"},
}


def _bodies(view: str) -> list[dict]:
    return [{**BODY, "action": action} for action in ACTIONS.get(view, [""])]


def _snapshot() -> dict[str, list]:
    """Every row of every table the application owns (the audit log checked separately)."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in IGNORED_MODELS:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in IGNORED_FIELDS.get(label, set())
        ]
        state[label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return state


def _changes_in_audit_log() -> int:
    from inklusio.audit.models import AuditEntry

    # Reads, searches and each test user's sign-in are logged too; only changes count here.
    return AuditEntry.objects.exclude(
        action__in=["read", "search", "login", "logout", "login_failed"]
    ).count()


def _assert_post_refused(client, url, users_for_body, view, json_body=None):
    """`users_for_body(body)` names who must be refused that post; an API write is posted
    with `json_body`, the body that its allowed users' post succeeds with."""
    before, before_log = _snapshot(), _changes_in_audit_log()
    # The API declares its routes per method: a GET route answers a POST 405 before anything runs.
    refused = {403, 404, 405} if is_api(view) else {403, 404}
    for body in _bodies(view):
        for user in users_for_body(body):
            client.force_login(user)
            if json_body is not None:
                status = client.post(url, json_body, content_type="application/json").status_code
            else:
                status = client.post(url, body).status_code
            assert status in refused, f"{user} got {status} for POST {url} {body['action']}"
    after = _snapshot()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == [], f"POST {url} by outsiders changed {changed}"
    assert _changes_in_audit_log() == before_log


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_outsiders_cannot_post_and_change_nothing(cast, client, item):
    if item.allowed == ALL:
        pytest.skip("everyone may use this view")

    def outsiders(body):
        allowed = ACTION_ALLOWED.get((item.view, body["action"]), item.allowed)
        return [getattr(cast, name) for name in sorted(ALL - allowed)]

    _assert_post_refused(client, _url(cast, item), outsiders, item.view, _json_body(cast, item))


def _json_body(cast, item: Case) -> dict | None:
    return api_body(cast, item) if is_api(item.view) and item.method == "post" else None


@pytest.mark.parametrize("item", MATRIX, ids=lambda i: f"{i.view}[{i.target or '-'}]")
def test_anonymous_post_is_sent_to_login_and_changes_nothing(cast, client, item):
    url = _url(cast, item)
    before = _snapshot()
    for body in _bodies(item.view):
        json_body = _json_body(cast, item)
        if json_body is not None:
            response = client.post(url, json_body, content_type="application/json")
        else:
            response = client.post(url, body)
        if is_api(item.view):
            assert response.status_code in {401, 405}
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
    assert _snapshot() == before


# --- Time dimension: relations that have ended --------------------------------------------------

# Everything in Mia's case and at Bøgely: what ida, mads, olga and petra once had.
MIA_CASE = {
    "mia",
    "boegely",
    "group_boegely",
    "referral_mia",
    "attachment_mia",
    "decision_mia",
    "letter_mia",
    "appeal_mia",
    "task_boegely",
    "course_boegely",
    "participant_mia",
    "session_boegely",
    "session_boegely_past",
    "plan_mia",
    "plan_meeting",
    "adjustment_mia",
    "consultative_boegely",
    "item_mia",
    "recommendation_mia",
    "consent_mia",
    "data_request_mia",
    "handover_mia",
    "screening_boegely",
    "invitation_pia",
}
TIME = [item for item in MATRIX if item.target in MIA_CASE]


@pytest.mark.parametrize("item", TIME, ids=lambda i: f"{i.view}[{i.target}]")
def test_ended_relations_reach_nothing_of_mias_case(cast, ended, client, item):
    url = _url(cast, item)
    json_body = _json_body(cast, item)
    for user in ended.users:
        client.force_login(user)
        if json_body is not None:
            status = client.post(url, json_body, content_type="application/json").status_code
        else:
            status = getattr(client, item.method)(url).status_code
        assert status == 404, f"{user} got {status} for {url}"
    _assert_post_refused(client, url, lambda body: ended.users, item.view, _json_body(cast, item))


def test_the_ended_relations_mirror_current_ones(cast, ended, client):
    """Each ended user would see Mia's page if the relation were current: the 404s above come
    from the end, not from a missing relation."""
    from inklusio.children.models import Guardianship, PartnerInvitation
    from inklusio.people.models import PedagogueAttachment

    url = _url(cast, case("child-detail", "mia", set()))
    PartnerInvitation.objects.filter(partner=ended.ida).update(valid_until=None)
    Guardianship.objects.filter(guardian__user=ended.olga).update(ended_on=None)
    PedagogueAttachment.objects.filter(pedagogue=ended.petra).update(ended_on=None)
    ended.mads.institution = cast.boegely
    ended.mads.save()
    for user in ended.users:
        client.force_login(user)
        assert client.get(url).status_code == 200, user
