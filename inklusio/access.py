"""Who may see and do what: the one place that decides it.

Views, templates (through the flags views pass), the API and exports all ask this module.
Every function starts from the tenant scope (`in_municipality_of`), so no rule here can
reach another municipality even if a role rule is wrong.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from inklusio.children.models import Child, ChildQuerySet, Guardianship, PartnerInvitation
from inklusio.organisation.models import Institution, ResourceGroup, Room
from inklusio.people.models import PedagogueAttachment, Role, User

if TYPE_CHECKING:
    from inklusio.courses.models import Course, ResourceTask
    from inklusio.imports.models import ImportRun
    from inklusio.meetings.models import AgendaItem, ConsultativeMeeting, DiscussionConsent
    from inklusio.partners.models import PartnerOrganisation, PartnerProfile
    from inklusio.people.models import ApiToken
    from inklusio.planning.models import Absence, Contract, PlanSlot, WeeklyPlan
    from inklusio.plans.models import ActionPlan, GoalBankEntry, PlanMeeting
    from inklusio.privacy.models import DataRequest
    from inklusio.referrals.models import Decision, Referral, WaitingListEntry
    from inklusio.screening.models import ScreeningRound
    from inklusio.transitions.models import Handover

M = TypeVar("M", bound=Model)
P = ParamSpec("P")
T = TypeVar("T")

MUNICIPALITY_WIDE_ROLES = {Role.ADMINISTRATOR}
INSTITUTION_ROLES = {Role.INSTITUTION_LEADER, Role.STAFF}


# --- Per-request access sets -------------------------------------------------------------
# A page asks about the same user's need-to-know sets several times (the count, the list, each
# panel); each question repeats the rule's subqueries. Within one request that cannot change the
# relations (GET and HEAD: pages write only their read entries), a set is read once as ids and
# later questions filter on those ids. Outside such a request (services, POSTs, tests calling
# this module) every question reads the relations afresh.
_request_sets: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar(
    "access_request_sets", default=None
)


@contextmanager
def sets_read_once() -> Iterator[None]:
    """Within this block, the access sets below are read once per user."""
    token = _request_sets.set({})
    try:
        yield
    finally:
        _request_sets.reset(token)


class ReadOnceMiddleware:
    """Reads the access sets once per GET or HEAD request (see `sets_read_once`)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        with sets_read_once():
            return self.get_response(request)


def answered_once_per_page(check: Callable[P, bool]) -> Callable[P, bool]:
    """A question about a user (and objects) that asks the database gives, when asked again
    within `sets_read_once`, its first answer: the menu, the view and its template ask the
    same ones (the administrator's child page asked "may see this child" five times). Objects
    are told apart by model and primary key; with an unsaved one it is asked afresh."""

    @functools.wraps(check)
    def answer(*args: P.args, **kwargs: P.kwargs) -> bool:
        sets = _request_sets.get()
        user, *objects = args
        user_id = getattr(user, "pk", None)
        if sets is None or kwargs or user_id is None:
            return check(*args, **kwargs)
        ids: list[tuple[str, Any] | None] = []
        for obj in objects:
            if obj is None:
                ids.append(None)
            elif isinstance(obj, Model) and obj.pk is not None:
                ids.append((obj._meta.label, obj.pk))
            else:
                return check(*args, **kwargs)
        key = (f"answer:{check.__name__}", user_id, *ids)
        if key not in sets:
            sets[key] = check(*args, **kwargs)
        answered: bool = sets[key]
        return answered

    return answer


def _read_once(kind: str, user: User, model: type[M], build: Callable[[], QuerySet[M]]) -> Any:
    """`build()` as it is, or, within `sets_read_once`, the model's rows (in the user's
    municipality) whose ids `build()` gave the first time; building the rule's query costs as
    much Python as running it costs the database, so it is not built again either."""
    sets = _request_sets.get()
    if sets is None:
        return build()
    key = (kind, user.pk)
    if key not in sets:
        ids = frozenset(build().order_by().values_list("pk", flat=True))
        sets[key] = (
            ids,
            model._default_manager.in_municipality_of(user).filter(  # type: ignore[attr-defined]
                pk__one_of=ids
            ),
        )
    ids, rows = sets[key]
    # A copy for the caller to filter further. `_visible` and `_any` answer from the ids; a
    # filtered copy of it loses them and asks the database, as its answer is no longer the set.
    rows = rows.all()
    rows.read_once_ids = ids
    return rows


def read_once_per_page(kind: str, user: User, read: Callable[[], T]) -> T:
    """`read()`, or within `sets_read_once` its first answer for this user: for readings that
    two panels of one page show (the start page's overdue follow-ups in the plans panel and the
    today list), which the request cannot change."""
    sets = _request_sets.get()
    if sets is None:
        return read()
    key = (f"reading:{kind}", user.pk)
    if key not in sets:
        sets[key] = read()
    answer: T = sets[key]
    return answer


def _active(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.municipality_id
    )


def _visible(queryset: QuerySet[Any], obj: Model) -> bool:
    ids = getattr(queryset, "read_once_ids", None)
    if ids is not None:
        return obj.pk in ids
    return queryset.filter(pk=obj.pk).exists()


def _any(queryset: QuerySet[Any]) -> bool:
    ids = getattr(queryset, "read_once_ids", None)
    if ids is not None:
        return bool(ids)
    return queryset.exists()


# --- Relations with time ---------------------------------------------------------------------
# Every relation that grants access has an end, and the access ends with it: invitations run
# from valid_from to valid_until, guardianships and attachments until ended_on, taking part in a
# plan meeting for PLAN_MEETING_ACCESS_DAYS after it, and ownership while the owner still works
# where the plan is. "Today" is always timezone.localdate().


def _current_attachments(user: User) -> QuerySet[PedagogueAttachment]:
    """The corps' attachments in force today: the pedagogue's own, or all of them for the
    corps leader."""
    attachments = PedagogueAttachment.objects.in_municipality_of(user).current()
    if user.role == Role.PEDAGOGUE:
        return attachments.filter(pedagogue=user)
    if user.role == Role.CORPS_LEADER:
        return attachments
    return attachments.none()


def _attached_institution_ids(user: User, function: str | None = None) -> frozenset[int]:
    """The institutions the corps serves today through `_current_attachments` (the pedagogue's
    own), or only those attached with this function: a handful of ids that several rules filter
    on, read once per page."""
    attachments = read_once_per_page(
        "attachments",
        user,
        lambda: frozenset(_current_attachments(user).values_list("institution_id", "function")),
    )
    return frozenset(
        institution_id
        for institution_id, attached_as in attachments
        if function is None or attached_as == function
    )


def _work_institution_ids(user: User) -> frozenset[int] | None:
    """The ids of `_work_institutions`; None for the administration (the whole municipality)."""
    if not _active(user):
        return frozenset()
    match user.role:
        case Role.ADMINISTRATOR:
            return None
        case Role.PEDAGOGUE | Role.CORPS_LEADER:
            return _attached_institution_ids(user)
        case Role.INSTITUTION_LEADER | Role.STAFF:
            return frozenset({user.institution_id}) if user.institution_id else frozenset()
    return frozenset()


def _at_work_institutions(user: User) -> Q:
    """The record's institution is one of the user's `_work_institutions`: a filter on the ids
    themselves, so a rule built on it has no subquery to build and run."""
    ids = _work_institution_ids(user)
    return Q() if ids is None else Q(institution__pk__one_of=ids)


def _work_institutions(user: User) -> QuerySet[Institution]:
    """Where a professional works today: the attached institutions (the corps' for its leader),
    or the leader's or staff member's own institution. Empty for everyone else."""
    institutions = Institution.objects.in_municipality_of(user)
    ids = _work_institution_ids(user)
    return institutions if ids is None else institutions.filter(pk__one_of=ids)


def _current_invitations(user: User) -> QuerySet[PartnerInvitation]:
    """Invitations in force (between their dates, not ended early), less those the guardians'
    consent no longer covers: once a consent naming the partner is withdrawn (and none is in
    force), the invitations about that child stop, whatever their scope. A deactivated partner
    has none: `_active` fails first."""
    # Every partner rule starts here (children, plans, meetings, the start page's list).
    invitations: QuerySet[PartnerInvitation] = _read_once(
        "invitations", user, PartnerInvitation, lambda: _invitations_in_force(user)
    )
    return invitations


def _invitations_in_force(user: User) -> QuerySet[PartnerInvitation]:
    from inklusio.meetings.models import DiscussionConsent

    invitations = PartnerInvitation.objects.in_municipality_of(user).current().filter(partner=user)
    consents = DiscussionConsent.objects.in_municipality_of(user).filter(
        scope=DiscussionConsent.Scope.PARTNER, partner=user
    )
    withdrawn = consents.filter(withdrawn_on__lte=timezone.localdate())
    return invitations.exclude(
        Q(child__isnull=False)
        & Q(child_id__in=withdrawn.values("child_id"))
        & ~Q(child_id__in=consents.in_force().values("child_id"))
    )


def _invited(user: User, scope: str) -> QuerySet[PartnerInvitation]:
    """A partner's invitations in force to one kind of thing: each gives that thing only (a
    plan invitation is not the child's case, a meeting invitation not the plan)."""
    if not _active(user) or user.role != Role.PARTNER:
        return PartnerInvitation.objects.none()
    return _current_invitations(user).filter(scope=scope)


def _current_guardianships(user: User) -> QuerySet[Guardianship]:
    return Guardianship.objects.in_municipality_of(user).current().filter(guardian__user=user)


def plan_meeting_access_since() -> datetime.date:
    """Taking part in a plan meeting gives access until this many days after the meeting."""
    return timezone.localdate() - datetime.timedelta(days=settings.PLAN_MEETING_ACCESS_DAYS)


def institutions_visible_to(user: User) -> QuerySet[Institution]:
    """Institutions a user may see: the municipality for administration and corps leadership,
    the attached ones for a pedagogue, their own for leaders and staff, and the institutions of
    invited children for partners. Guardians see institutions only through their child's page."""
    institutions = Institution.objects.in_municipality_of(user)
    if not _active(user):
        return institutions.none()
    match user.role:
        case Role.ADMINISTRATOR | Role.CORPS_LEADER:
            return institutions
        case Role.PEDAGOGUE:
            return _work_institutions(user)
        case Role.INSTITUTION_LEADER | Role.STAFF:
            return institutions.filter(pk=user.institution_id)
        case Role.PARTNER:
            return institutions.filter(pk__in=children_visible_to(user).values("institution_id"))
    return institutions.none()


def _child_rule(user: User) -> Q | None:
    """The need-to-know rule for children as a filter; None means no children at all."""
    match user.role:
        case Role.ADMINISTRATOR:
            return Q()
        case Role.CORPS_LEADER | Role.PEDAGOGUE:
            # Need-to-know per case, not per institution: the children of the corps' cases (the
            # pedagogue's own) at institutions the corps serves today.
            return Q(
                institution__pk__one_of=_attached_institution_ids(user)
            ) & _corps_case_children(user)
        case Role.INSTITUTION_LEADER | Role.STAFF:
            return Q(institution_id=user.institution_id) if user.institution_id else None
        case Role.PARTNER:
            return Q(pk__in=_invited(user, PartnerInvitation.Scope.CHILD).values("child_id"))
        case Role.GUARDIAN:
            return Q(pk__in=_current_guardianships(user).values("child_id"))
    return None


def _corps_case_children(user: User) -> Q:
    """The children of a pedagogue's cases: a course they run, a plan they own or whose meeting
    they attended within the grace period, a granted support they deliver (a support
    attachment to the child's institution), a consultative meeting they attend within the grace
    period. For the corps leader the same for every pedagogue of the corps."""
    from inklusio.courses.models import Participant
    from inklusio.meetings.models import AgendaItem
    from inklusio.plans.models import ActionPlan, PlanMeeting
    from inklusio.referrals.models import Decision, Offer

    today, since = timezone.localdate(), plan_meeting_access_since()
    if user.role == Role.PEDAGOGUE:
        ran, owned = Q(course__pedagogue=user), Q(owner=user)
        attended = PlanMeeting.objects.in_municipality_of(user).filter(participants=user)
        attends = Q(meeting__resource_pedagogue=user)
    else:
        ran, owned = Q(course__pedagogue__role=Role.PEDAGOGUE), Q(owner__role=Role.PEDAGOGUE)
        attended = PlanMeeting.objects.in_municipality_of(user).filter(
            participants__role=Role.PEDAGOGUE
        )
        attends = Q(meeting__resource_pedagogue__isnull=False)
    # Each subquery is scoped to the municipality too: the rule is the same (the children are
    # the municipality's), but the corps leader's terms would otherwise read the whole country.
    courses = Participant.objects.in_municipality_of(user).filter(
        ran,
        Q(course__closed_on__isnull=True) | Q(course__closed_on__gte=since),
        course__municipality_id=user.municipality_id,
    )
    plans = ActionPlan.objects.in_municipality_of(user).filter(
        owned | Q(pk__in=attended.filter(date__gte=since).values("plan_id")),
        Q(closed_on__isnull=True) | Q(closed_on__gte=since),
    )
    support = Decision.objects.in_municipality_of(user).filter(
        Q(end__isnull=True) | Q(end__gte=today),
        outcome__in=Decision.GRANTING,
        offer=Offer.SUPPORT_PEDAGOGUE,
        ended_on__isnull=True,
        child__institution__pk__one_of=_attached_institution_ids(
            user, PedagogueAttachment.Function.SUPPORT
        ),
    )
    meetings = AgendaItem.objects.in_municipality_of(user).filter(
        attends, meeting__date__gte=since, meeting__municipality_id=user.municipality_id
    )
    return (
        Q(pk__in=courses.values("child_id"))
        | Q(pk__in=plans.values("child_id"))
        | Q(pk__in=support.values("child_id"))
        | Q(pk__in=meetings.values("child_id"))
    )


def left_child_access_since() -> datetime.date:
    """A child who left daycare before this day is the administration's alone."""
    return timezone.localdate() - datetime.timedelta(days=settings.LEFT_CHILD_ACCESS_DAYS)


def children_visible_to(user: User) -> ChildQuerySet:
    if _active(user) and user.role != Role.ADMINISTRATOR:
        # Every rule but the administration's (the whole municipality) costs subqueries to
        # build and run: the per-case rule five, the others one or two, asked several times.
        children: ChildQuerySet = _read_once(
            "children", user, Child, lambda: _children_visible_to(user)
        )
        return children
    return _children_visible_to(user)


def _children_visible_to(user: User) -> ChildQuerySet:
    children = Child.objects.in_municipality_of(user)
    rule = _child_rule(user) if _active(user) else None
    if rule is None:
        return children.none()
    if user.role != Role.ADMINISTRATOR:
        rule &= Q(left_on__isnull=True) | Q(left_on__gte=left_child_access_since())
    return children.filter(rule)


@answered_once_per_page
def can_view_child(user: User, child: Child) -> bool:
    return _visible(children_visible_to(user), child)


def can_see_guardian_contacts(user: User, child: Child) -> bool:
    """Guardians' phone numbers and e-mail addresses are for the municipality's staff who see the
    child; a partner or the other guardian sees names and custody only."""
    return user.role not in {Role.PARTNER, Role.GUARDIAN} and can_view_child(user, child)


def sees_guardian_contacts(user: User) -> bool:
    """`can_see_guardian_contacts` for children already known to be visible to `user` (the
    API's lists): the rule is by role once the child is visible."""
    return _active(user) and user.role not in {Role.PARTNER, Role.GUARDIAN}


def can_edit_child(user: User, child: Child) -> bool:
    """Master data is kept by the administration and by the child's own institution leader."""
    if not _active(user) or user.municipality_id != child.municipality_id:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.INSTITUTION_LEADER and user.institution_id == child.institution_id


def can_see_full_cpr(user: User, child: Child) -> bool:
    """The whole CPR number is shown, on request and logged, to those who keep the child's master
    data: the administration (visitation, decisions, data-subject requests) and the leader of the
    child's institution (who registers the number and corrects it). Everyone else, partners and
    guardians included, sees the birth-date part only."""
    return can_edit_child(user, child)


def can_export_child_data(user: User, child: Child) -> bool:
    """Data-subject requests are answered by the administration (the data controller)."""
    return (
        _active(user)
        and user.role == Role.ADMINISTRATOR
        and user.municipality_id == child.municipality_id
    )


def can_manage_data_requests(user: User) -> bool:
    """The register of data-subject requests is kept by the administration, the data
    controller's office (GDPR art. 12 and 15), for its own municipality's children."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def data_requests_visible_to(user: User) -> QuerySet[DataRequest]:
    from inklusio.privacy.models import DataRequest

    requests = DataRequest.objects.in_municipality_of(user)
    if not can_manage_data_requests(user):
        return requests.none()
    return requests


def institutions_where_user_can_add_children(user: User) -> QuerySet[Institution]:
    institutions = Institution.objects.in_municipality_of(user)
    if not _active(user):
        return institutions.none()
    if user.role == Role.ADMINISTRATOR:
        return institutions
    if user.role == Role.INSTITUTION_LEADER:
        return institutions.filter(pk=user.institution_id)
    return institutions.none()


@answered_once_per_page
def can_add_children(user: User) -> bool:
    return institutions_where_user_can_add_children(user).exists()


def resource_groups_visible_to(user: User) -> QuerySet[ResourceGroup]:
    return ResourceGroup.objects.in_municipality_of(user).filter(
        institution__in=institutions_visible_to(user)
    )


def can_view_audit_log(user: User) -> bool:
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_list_children(user: User) -> bool:
    """The list of children and the search over them are for those who work with many
    children; a family has its own page for its own children (Mit barn), and a list with CPR
    numbers, difficulties and filters serves it nothing."""
    return _active(user) and user.role != Role.GUARDIAN


def get_visible_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """A missing and a forbidden object get the same answer, so existence does not leak."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


# --- Corps planning -------------------------------------------------------------------------


def can_manage_planning(user: User) -> bool:
    """The corps leader plans the week; the administration may look."""
    return _active(user) and user.role == Role.CORPS_LEADER


def can_manage_attachments(user: User) -> bool:
    """Attach a pedagogue to an institution or end the attachment (DESIGN.md: the corps leader
    assigns pedagogues to institutions), for the user's own municipality; the administration
    too, which attached them through the import before."""
    return _active(user) and user.role in {Role.CORPS_LEADER, Role.ADMINISTRATOR}


def can_view_planning(user: User) -> bool:
    return _active(user) and user.role in {
        Role.ADMINISTRATOR,
        Role.CORPS_LEADER,
        Role.PEDAGOGUE,
        Role.INSTITUTION_LEADER,
        Role.STAFF,
    }


def weekly_plans_visible_to(user: User) -> QuerySet[WeeklyPlan]:
    """The corps leader and the administration see every version of every week; pedagogues,
    institution leaders and staff no proposal: it is the corps leader's draft until it is
    published. A replaced version stays readable (a link to last week's plan keeps working,
    and the page says it is replaced)."""
    from inklusio.planning.models import WeeklyPlan

    plans = WeeklyPlan.objects.in_municipality_of(user)
    if not can_view_planning(user):
        return plans.none()
    if sees_plan_proposals(user):
        return plans
    return plans.exclude(status=WeeklyPlan.Status.PROPOSED)


def sees_plan_proposals(user: User) -> bool:
    """The corps leader and the administration oversee the corps' planning: every version of
    every week, proposals included, and every half-day of it (`plan_slots_visible_to`);
    everyone else the published plan, and of it the part that is theirs."""
    return _active(user) and user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}


def plan_slots_visible_to(user: User, plan: WeeklyPlan) -> QuerySet[PlanSlot]:
    """Everyone sees the grid they need: the corps all of it, a pedagogue their own row and
    their institutions, leaders and staff their own institution."""
    slots = plan.slots.select_related("institution", "pedagogue", "child")
    if sees_plan_proposals(user):
        return slots
    match user.role:
        case Role.PEDAGOGUE:
            return slots.filter(
                Q(pedagogue=user) | Q(institution__in=institutions_visible_to(user))
            )
        case Role.INSTITUTION_LEADER | Role.STAFF:
            return slots.filter(institution_id=user.institution_id)
    return slots.none()


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    from inklusio.planning.models import Contract

    contracts = Contract.objects.in_municipality_of(user).select_related("pedagogue")
    if _active(user) and user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        return contracts
    if _active(user) and user.role == Role.PEDAGOGUE:
        return contracts.filter(pedagogue=user)
    return contracts.none()


def absences_visible_to(user: User) -> QuerySet[Absence]:
    """A pedagogue's absences: the corps and the administration, and the pedagogue themself."""
    from inklusio.planning.models import Absence

    absences = Absence.objects.in_municipality_of(user).select_related("pedagogue")
    if _active(user) and user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}:
        return absences
    if _active(user) and user.role == Role.PEDAGOGUE:
        return absences.filter(pedagogue=user)
    return absences.none()


@answered_once_per_page
def can_delete_absence(user: User, absence: Absence) -> bool:
    """The corps leader, for an absence not yet over: one that has ended explains the weeks
    planned around it and stays (planning.services.absence_delete)."""
    return (
        can_manage_planning(user)
        and absence.end >= timezone.localdate()
        and _visible(absences_visible_to(user), absence)
    )


# --- Referrals and visitation ---------------------------------------------------------------


def can_decide(user: User) -> bool:
    """The visitation committee is the administration's."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals hold the most sensitive text of a case: the committee, the referring
    institution's leader and the partner who wrote it."""
    from inklusio.referrals.models import Referral

    referrals = Referral.objects.in_municipality_of(user)
    if not _active(user):
        return referrals.none()
    match user.role:
        case Role.ADMINISTRATOR:
            return referrals
        case Role.INSTITUTION_LEADER:
            # The institution's children as the children's rule has them: a child who left
            # long ago is the administration's alone, referrals included.
            return referrals.filter(child__in=children_visible_to(user))
        case Role.PARTNER:
            return referrals.filter(referred_by=user, child__in=children_visible_to(user))
    return referrals.none()


def sees_only_own_referrals(user: User) -> bool:
    """A partner's referrals and decisions are those of their own referrals, so an empty list
    says nothing about the child's case."""
    return user.role == Role.PARTNER


REFERRING_ROLES = {Role.ADMINISTRATOR, Role.INSTITUTION_LEADER, Role.PARTNER}


def children_user_may_refer(user: User) -> ChildQuerySet:
    if not _active(user) or user.role not in REFERRING_ROLES:
        return Child.objects.none()
    # Only children in daycare and of daycare age can be referred (referrals.services checks too).
    return children_visible_to(user).in_daycare().of_daycare_age()


@answered_once_per_page
def can_refer_child(user: User, child: Child) -> bool:
    """`child` is one of `children_user_may_refer(user)`, for a child already read."""
    return (
        _active(user)
        and user.role in REFERRING_ROLES
        and child.is_in_daycare()
        and child.is_of_daycare_age()
        and can_view_child(user, child)
    )


@answered_once_per_page
def can_edit_referral(user: User, referral: Referral) -> bool:
    return (
        not referral.is_locked
        and _visible(referrals_visible_to(user), referral)
        and (user.role == Role.ADMINISTRATOR or referral.referred_by_id == user.pk)
    )


@answered_once_per_page
def can_withdraw_referral(user: User, referral: Referral) -> bool:
    """The referrer or the administration, while no decision is made (a draft, or submitted
    and not yet decided); see referrals.services.referral_withdraw."""
    return (
        referral.status in referral.WITHDRAWABLE_STATUSES
        and _visible(referrals_visible_to(user), referral)
        and (user.role == Role.ADMINISTRATOR or referral.referred_by_id == user.pk)
    )


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    """Decisions reach those who act on them: the committee, the child's institution leader,
    the pedagogues serving the institution, the guardians and the referring partner."""
    from inklusio.referrals.models import Decision

    decisions = Decision.objects.in_municipality_of(user)
    if not _active(user):
        return decisions.none()
    match user.role:
        case Role.ADMINISTRATOR:
            return decisions
        case Role.INSTITUTION_LEADER | Role.PEDAGOGUE | Role.CORPS_LEADER | Role.GUARDIAN:
            return decisions.filter(child__in=children_visible_to(user))
        case Role.PARTNER:
            # The referring partner, and only while invited to the child's case.
            return decisions.filter(referral__referred_by=user, child__in=children_visible_to(user))
    return decisions.none()


def waiting_entries_visible_to(user: User) -> QuerySet[WaitingListEntry]:
    """The waiting list is the committee's: it orders children against each other."""
    from inklusio.referrals.models import WaitingListEntry

    entries = WaitingListEntry.objects.in_municipality_of(user)
    return entries if can_decide(user) else entries.none()


@answered_once_per_page
def can_add_to_referral(user: User, referral: Referral) -> bool:
    """Additions and attachments: those who may see the referral, except the committee's
    decisions are not made here."""
    return _visible(referrals_visible_to(user), referral)


def decision_owners(user: User) -> QuerySet[User]:
    """Who can own a case step (an appeal, a letter): the administration's staff."""
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    if not can_decide(user):
        return users.none()
    return users.filter(role=Role.ADMINISTRATOR, is_active=True)


@answered_once_per_page
def can_view_committee_meetings(user: User) -> bool:
    """The committee's meetings (agenda of every child referred, minutes) are the committee's
    own: a leader or partner sees their referral's decision, not the meeting that made it."""
    return can_decide(user)


def can_use_visitation(user: User) -> bool:
    return can_decide(user) or children_user_may_refer(user).exists()


# --- Resource courses --------------------------------------------------------------------------


def _course_institutions(user: User) -> QuerySet[Institution]:
    """Where a user works with courses: the corps' institutions for the corps leader, the
    attached ones for a pedagogue, their own for leaders and staff, all for the administration."""
    if not _active(user) or user.role in {Role.PARTNER, Role.GUARDIAN}:
        return Institution.objects.none()
    return _work_institutions(user)


def courses_visible_to(user: User) -> QuerySet[Course]:
    """Courses hold notes about several children: the people doing the work see them; partners
    and guardians see a child's participation through the child's page only."""
    from inklusio.courses.models import Course

    courses = Course.objects.in_municipality_of(user)
    if not _active(user):
        return courses.none()
    # Partners and guardians work at no institution: the filter leaves them none.
    courses = courses.filter(_at_work_institutions(user))
    if user.role == Role.PEDAGOGUE:
        # Per case: a pedagogue the courses they run, while attached to the course's institution.
        return courses.filter(pedagogue=user)
    return courses


@answered_once_per_page
def can_work_on_course(user: User, course: Course) -> bool:
    """Record sessions, observations, effect measures and participants while a course runs."""
    return not course.is_closed and _visible(courses_visible_to(user), course)


def children_for_course(user: User, course: Course) -> ChildQuerySet:
    """Children who can join a running course: those in daycare at its institution, for the
    people working on the course. Joining makes the child one of the pedagogue's cases, so the
    choice is wider than the children the pedagogue already sees."""
    children = Child.objects.in_municipality_of(user)
    if not can_work_on_course(user, course):
        return children.none()
    return children.filter(institution_id=course.institution_id).in_daycare()


def can_manage_course(user: User, course: Course) -> bool:
    """Change the course itself or close it: its pedagogue, the corps leader, the institution's
    leader, the administration — not staff."""
    return (
        can_work_on_course(user, course)
        and (user.role != Role.STAFF)
        and (user.role != Role.PEDAGOGUE or course.pedagogue_id == user.pk)
    )


def institutions_for_new_tasks(user: User) -> QuerySet[Institution]:
    """The institution leader defines the resource task (and the administration may)."""
    if not _active(user):
        return Institution.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Institution.objects.in_municipality_of(user)
    if user.role == Role.INSTITUTION_LEADER:
        return Institution.objects.in_municipality_of(user).filter(pk=user.institution_id)
    return Institution.objects.none()


def institutions_for_new_courses(user: User) -> QuerySet[Institution]:
    if not _active(user) or user.role == Role.STAFF:
        return Institution.objects.none()
    return _course_institutions(user)


def tasks_visible_to(user: User) -> QuerySet[ResourceTask]:
    from inklusio.courses.models import ResourceTask

    return ResourceTask.objects.in_municipality_of(user).filter(_at_work_institutions(user))


@answered_once_per_page
def can_use_courses(user: User) -> bool:
    return institutions_for_new_courses(user).exists() or courses_visible_to(user).exists()


# --- Statistics ---------------------------------------------------------------------------------


def can_view_statistics(user: User) -> bool:
    """Aggregated figures for the administration and the corps' leader."""
    return _active(user) and user.role in {Role.ADMINISTRATOR, Role.CORPS_LEADER}


# --- Action plans ------------------------------------------------------------------------------


def _attended_plans(user: User) -> Q:
    """Plans whose meeting the user took part in within the grace period, while the user's own
    tie still holds: a professional still works at the plan's institution, a guardian or
    partner still has the child (course plans have no child)."""
    from inklusio.plans.models import PlanMeeting

    attended = PlanMeeting.objects.filter(participants=user, date__gte=plan_meeting_access_since())
    rule = Q(pk__in=attended.values("plan_id"))
    if user.role in {Role.GUARDIAN, Role.PARTNER}:
        return rule & (Q(child__isnull=True) | Q(child__in=children_visible_to(user)))
    return rule & _at_work_institutions(user)


def plans_visible_to(user: User) -> QuerySet[ActionPlan]:
    """Child plans follow the child's need-to-know rule (guardians: their own children; partners:
    invited children); course plans are for those who work with the course. Those who took part
    in one of the plan's meetings see it for a grace period, and the owner while still working
    at the plan's institution."""
    from inklusio.plans.models import ActionPlan

    plans = ActionPlan.objects.in_municipality_of(user)
    if not _active(user):
        return plans.none()
    if user.role == Role.ADMINISTRATOR:
        return plans
    # The rule joins the children's, the meetings', the owners' and the courses' rules, and a
    # page asks it several times (count, list, panels, the menu).
    plans_of_user: QuerySet[ActionPlan] = _read_once(
        "plans", user, ActionPlan, lambda: _plans_visible_to(user, plans)
    )
    return plans_of_user


def _plans_visible_to(user: User, plans: QuerySet[ActionPlan]) -> QuerySet[ActionPlan]:
    own = (
        Q(child__in=children_visible_to(user))
        | _attended_plans(user)
        | (Q(owner=user) & _at_work_institutions(user))
    )
    if user.role not in {Role.GUARDIAN, Role.PARTNER}:
        own |= Q(course__in=courses_visible_to(user))
    if user.role == Role.PARTNER:
        # Invited to this plan alone: not the child's other plans, referrals or decisions.
        own |= Q(pk__in=_invited(user, PartnerInvitation.Scope.PLAN).values("plan_id"))
    return plans.filter(own).distinct()


@answered_once_per_page
def can_view_plan(user: User, plan: ActionPlan) -> bool:
    return _visible(plans_visible_to(user), plan)


def plan_meetings_visible_to(user: User) -> QuerySet[PlanMeeting]:
    """The meetings of the plans a user sees, and for a partner invited to one plan meeting
    that meeting (its agenda is the plan it follows up, read on the meeting's page only)."""
    from inklusio.plans.models import PlanMeeting

    meetings = PlanMeeting.objects.in_municipality_of(user)
    if not _active(user):
        return meetings.none()
    rule = Q(plan__in=plans_visible_to(user))
    if user.role == Role.PARTNER:
        rule |= Q(
            pk__in=_invited(user, PartnerInvitation.Scope.PLAN_MEETING).values("plan_meeting_id")
        )
    return meetings.filter(rule)


@answered_once_per_page
def invited_to_plan_meetings(user: User) -> bool:
    """A partner with an invitation in force to a plan meeting alone: the meeting's page is
    theirs (and the agreements to acknowledge there), though they may see no plan."""
    return _any(_invited(user, PartnerInvitation.Scope.PLAN_MEETING))


@answered_once_per_page
def can_manage_plan(user: User, plan: ActionPlan) -> bool:
    """Change the plan directly, accept adjustments, hold meetings, close: the plan's owner,
    the institution's leader and the administration."""
    if plan.is_closed or not _visible(plans_visible_to(user), plan):
        return False
    if user.role == Role.ADMINISTRATOR or plan.owner_id == user.pk:
        return True
    return user.role == Role.INSTITUTION_LEADER and user.institution_id == plan.institution_id


@answered_once_per_page
def can_reopen_plan(user: User, plan: ActionPlan) -> bool:
    """Who could manage the plan while it was open may take a closed plan up again."""
    if not plan.is_closed or not _visible(plans_visible_to(user), plan):
        return False
    if user.role == Role.ADMINISTRATOR or plan.owner_id == user.pk:
        return True
    return user.role == Role.INSTITUTION_LEADER and user.institution_id == plan.institution_id


@answered_once_per_page
def can_propose_adjustment(user: User, plan: ActionPlan) -> bool:
    """Anyone on the plan: its owner and everyone who took part in one of its meetings, and the
    professionals who work with the child."""
    if plan.is_closed or not _visible(plans_visible_to(user), plan):
        return False
    if user.role in {Role.GUARDIAN, Role.PARTNER}:
        return plans_visible_to(user).filter(_attended_plans(user), pk=plan.pk).exists()
    return True


@answered_once_per_page
def can_create_plans(user: User) -> bool:
    return children_for_new_plans(user).exists() or courses_for_new_plans(user).exists()


NON_PLANNING_ROLES = {Role.GUARDIAN, Role.PARTNER, Role.STAFF}


def follows_up_plans(user: User) -> bool:
    """Following plans up is the municipality's staff's work (the plans' owners and those who
    oversee them, as on the today list): a guardian or a partner answers for no plan's
    follow-up, so is shown no count of overdue ones."""
    return _active(user) and user.role in STAFF_ROLES


def children_for_new_plans(user: User) -> ChildQuerySet:
    if not _active(user) or user.role in NON_PLANNING_ROLES:
        return Child.objects.none()
    return children_visible_to(user).in_daycare()


def can_create_plan_for(user: User, child: Child) -> bool:
    """`child` is one of `children_for_new_plans(user)`, for a child already read."""
    return (
        _active(user)
        and user.role not in NON_PLANNING_ROLES
        and child.is_in_daycare()
        and can_view_child(user, child)
    )


def courses_for_new_plans(user: User) -> QuerySet[Course]:
    if not _active(user) or user.role in NON_PLANNING_ROLES:
        return courses_visible_to(user).none()
    return courses_visible_to(user).filter(closed_on__isnull=True)


# --- Messages and the guardians' page ----------------------------------------------------------


def plans_for_messages(user: User) -> QuerySet[ActionPlan]:
    """Child plans whose messages a user may read and write: the child's guardians (while the
    guardianship lasts) and the staff on the plan, its owner and those who took part in its
    meetings, as long as the plan rules let them see it."""
    from inklusio.plans.models import ActionPlan

    if not _active(user):
        return ActionPlan.objects.none()
    # Asked by the menu and again by a plan's page.
    message_plans: QuerySet[ActionPlan] = _read_once(
        "message-plans", user, ActionPlan, lambda: _plans_for_messages(user)
    )
    return message_plans


def _plans_for_messages(user: User) -> QuerySet[ActionPlan]:
    plans = plans_visible_to(user).filter(child__isnull=False)
    if user.role == Role.PARTNER:
        return plans.none()
    if user.role == Role.GUARDIAN:
        return plans
    from inklusio.plans.models import PlanMeeting

    attended = PlanMeeting.objects.in_municipality_of(user).filter(participants=user)
    return plans.filter(Q(owner=user) | Q(pk__in=attended.values("plan_id")))


@answered_once_per_page
def can_message_on_plan(user: User, plan: ActionPlan) -> bool:
    return _visible(plans_for_messages(user), plan)


def can_send_message(user: User, plan: ActionPlan) -> bool:
    """A closed plan's messages stay with the case and can be read; no new ones are written."""
    return not plan.is_closed and can_message_on_plan(user, plan)


@answered_once_per_page
def can_use_messages(user: User) -> bool:
    return _active(user) and _any(plans_for_messages(user))


def can_use_family_page(user: User, child: Child | None = None) -> bool:
    """The guardians' own page: their own children, while the guardianship lasts."""
    if not _active(user) or user.role != Role.GUARDIAN:
        return False
    return child is None or can_view_child(user, child)


# --- Consultative meetings -----------------------------------------------------------------------


def consultative_meetings_visible_to(user: User) -> QuerySet[ConsultativeMeeting]:
    """The institution's people, the corps, the administration, and the partners invited to the
    meeting: like a plan meeting, the invitation lasts PLAN_MEETING_ACCESS_DAYS after the day."""
    from inklusio.meetings.models import ConsultativeMeeting

    meetings = ConsultativeMeeting.objects.in_municipality_of(user)
    if not _active(user) or user.role == Role.GUARDIAN:
        return meetings.none()
    if user.role == Role.PARTNER:
        taking_part = meetings.filter(partners=user, date__gte=plan_meeting_access_since())
        invited = _invited(user, PartnerInvitation.Scope.MEETING)
        return meetings.filter(
            Q(pk__in=taking_part.values("pk")) | Q(pk__in=invited.values("meeting_id"))
        )
    return meetings.filter(_at_work_institutions(user))


def agenda_items_visible_to(
    user: User, meeting: ConsultativeMeeting, items: Iterable[AgendaItem] | None = None
) -> list[AgendaItem]:
    """A meeting's agenda as the user may see it (`items`: the meeting's items, as the caller
    fetched them). Anonymous items are for everyone who may see the meeting. An item about a
    named child is for those who need to know the child: the meeting's arranger and its
    resource pedagogue, an invited partner whose profession the guardians' consent names, and
    whoever may see the child anyway (`children_visible_to`, with its time limits)."""
    if not _visible(consultative_meetings_visible_to(user), meeting):
        return []
    agenda = list(meeting.items.select_related("child", "consent") if items is None else items)
    named = {item.child_id for item in agenda if item.child_id}
    if not named or user.pk in {meeting.created_by_id, meeting.resource_pedagogue_id}:
        return agenda
    known = set(children_visible_to(user).filter(pk__in=named).values_list("pk", flat=True))
    invited = user.role == Role.PARTNER and (
        meeting.partners.filter(pk=user.pk).exists()
        or _invited(user, PartnerInvitation.Scope.MEETING).filter(meeting=meeting).exists()
    )

    def need_to_know(item: AgendaItem) -> bool:
        if item.child_id is None or item.child_id in known:
            return True
        consent = item.consent
        return (
            invited
            and consent is not None
            and consent.child_id == item.child_id
            and consent.covers({user.profession}, meeting.date)
        )

    return [item for item in agenda if need_to_know(item)]


@answered_once_per_page
def can_view_agenda_item(user: User, item: AgendaItem) -> bool:
    return item in agenda_items_visible_to(user, item.meeting, [item])


@answered_once_per_page
def can_arrange_consultative_meeting(
    user: User, meeting: ConsultativeMeeting | None = None
) -> bool:
    if not _active(user) or user.role not in {
        Role.ADMINISTRATOR,
        Role.CORPS_LEADER,
        Role.PEDAGOGUE,
        Role.INSTITUTION_LEADER,
    }:
        return False
    return meeting is None or _visible(consultative_meetings_visible_to(user), meeting)


@answered_once_per_page
def can_use_consultative_meetings(user: User) -> bool:
    return can_arrange_consultative_meeting(user) or consultative_meetings_visible_to(user).exists()


def institutions_for_consultative_meetings(user: User) -> QuerySet[Institution]:
    if not can_arrange_consultative_meeting(user):
        return Institution.objects.none()
    return _course_institutions(user)


def consents_visible_to(user: User) -> QuerySet[DiscussionConsent]:
    from inklusio.meetings.models import DiscussionConsent

    consents = DiscussionConsent.objects.in_municipality_of(user)
    if not _active(user) or user.role == Role.PARTNER:
        return consents.none()
    return consents.filter(child__in=children_visible_to(user))


def can_record_consent(user: User, child: Child) -> bool:
    """A guardian's consent is recorded by the institution or the administration, or given by
    the guardian."""
    if not _active(user) or user.role in {Role.PARTNER, Role.STAFF, Role.CORPS_LEADER}:
        return False
    return can_view_child(user, child)


@answered_once_per_page
def can_use_plans(user: User) -> bool:
    """The plans list: for those who see a plan or may make one (for a child or a course)."""
    return (_active(user) and _any(plans_visible_to(user))) or can_create_plans(user)


def can_edit_goal_bank(user: User) -> bool:
    """The administration keeps the municipality's goal bank."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_read_goal_bank(user: User) -> bool:
    """Those who write action plans (the roles that may make one) read their municipality's
    bank; guardians, partners and staff do not write plans."""
    return _active(user) and user.role in {
        Role.ADMINISTRATOR,
        Role.CORPS_LEADER,
        Role.PEDAGOGUE,
        Role.INSTITUTION_LEADER,
    }


def goal_bank_visible_to(user: User) -> QuerySet[GoalBankEntry]:
    """The user's own municipality's bank only; retired entries for the administration only."""
    from inklusio.plans.models import GoalBankEntry

    entries = GoalBankEntry.objects.in_municipality_of(user)
    if can_edit_goal_bank(user):
        return entries
    if can_read_goal_bank(user):
        return entries.filter(retired_on__isnull=True)
    return entries.none()


# --- Transitions (handovers to the next place) ----------------------------------------------


def can_create_handover(user: User, child: Child) -> bool:
    """A handover is made by the child's institution leader or the administration, for a child
    still in daycare (Hedensted and Haderslev: the sending place prepares the transition)."""
    return can_edit_child(user, child) and child.left_on is None


def can_create_handovers(user: User) -> bool:
    return _active(user) and user.role in {Role.ADMINISTRATOR, Role.INSTITUTION_LEADER}


def _handover_senders(user: User) -> Q | None:
    match user.role:
        case Role.ADMINISTRATOR:
            return Q()
        case Role.INSTITUTION_LEADER if user.institution_id:
            # The sending institution's children while the children's rule has them (a child
            # who left long ago is the administration's alone).
            return Q(child__in=children_visible_to(user))
    return None


def _handover_receivers(user: User) -> Q | None:
    """The receiver sees a handover while it is shared, the guardians' consent is in force and
    its access has not ended, and while they still are the receiving side: the leader of the
    receiving institution, or a partner (for a school)."""
    from inklusio.transitions.rules import consent_in_force_filter

    today = timezone.localdate()
    shared = Q(receiver=user, shared_on__isnull=False, access_until__gte=today)
    shared &= consent_in_force_filter(today)
    match user.role:
        case Role.INSTITUTION_LEADER if user.institution_id:
            return shared & Q(receiving_institution_id=user.institution_id)
        case Role.PARTNER:
            return shared & Q(kind="school")
    return None


def handovers_visible_to(user: User) -> QuerySet[Handover]:
    """The sending side's handovers (administration, the child's institution leader) and the
    ones received and still open to the receiver. Receiving gives no other access to the child."""
    from inklusio.transitions.models import Handover

    handovers = Handover.objects.in_municipality_of(user)
    if not _active(user):
        return handovers.none()
    if user.role == Role.ADMINISTRATOR:
        return handovers
    senders, receivers = _handover_senders(user), _handover_receivers(user)
    if senders is None and receivers is None:
        return handovers.none()
    if senders is None or receivers is None:
        return handovers.filter(senders or receivers)
    return handovers.filter(senders | receivers)


@answered_once_per_page
def can_manage_handover(user: User, handover: Handover) -> bool:
    """Sharing is for the sending side: the administration and the child's institution leader."""
    rule = _handover_senders(user)
    if not _active(user) or rule is None:
        return False
    if user.role == Role.ADMINISTRATOR:
        return _visible(handovers_visible_to(user), handover)
    return _visible(handovers_visible_to(user).filter(rule), handover)


@answered_once_per_page
def can_record_handover_meeting(user: User, handover: Handover) -> bool:
    """The meeting is recorded by either side: the sending side or the receiver with access."""
    return _visible(handovers_visible_to(user), handover)


@answered_once_per_page
def can_use_transitions(user: User) -> bool:
    return can_create_handovers(user) or handovers_visible_to(user).exists()


# --- Early detection (screening rounds) -----------------------------------------------------------
# The staff who know the children screen them: the institution's leader and staff, in their own
# institution and only while they work there. The administration follows the rounds (and the
# distribution) of every institution without taking part.


def _screening_institution(user: User) -> int | None:
    """The institution whose rooms the user screens, or None."""
    if _active(user) and user.role in INSTITUTION_ROLES and user.institution_id:
        return user.institution_id
    return None


def screening_rounds_visible_to(user: User) -> QuerySet[ScreeningRound]:
    from inklusio.screening.models import ScreeningRound

    rounds = ScreeningRound.objects.in_municipality_of(user)
    if _active(user) and user.role == Role.ADMINISTRATOR:
        return rounds
    institution = _screening_institution(user)
    if institution is None:
        return rounds.none()
    return rounds.filter(institution_id=institution)


def can_use_screening(user: User) -> bool:
    return (_active(user) and user.role == Role.ADMINISTRATOR) or (
        _screening_institution(user) is not None
    )


def rooms_for_screening(user: User) -> QuerySet[Room]:
    """Rooms in which the user may open a round: those of their own institution."""
    rooms = Room.objects.in_municipality_of(user)
    institution = _screening_institution(user)
    if institution is None:
        return rooms.none()
    return rooms.filter(institution_id=institution)


def can_open_screening_round(user: User) -> bool:
    return _screening_institution(user) is not None


def can_work_on_screening_round(user: User, screening_round: ScreeningRound) -> bool:
    """Fill in and close a round: its institution's leader and staff, while it is open."""
    return (
        not screening_round.is_closed
        and user.municipality_id == screening_round.municipality_id
        and _screening_institution(user) == screening_round.institution_id
    )


# --- Background jobs -----------------------------------------------------------------------------


def can_view_failed_jobs(user: User) -> bool:
    """The administration follows up on the municipality's failed background jobs."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_request_jobs(user: User) -> bool:
    """Who orders background work (statistics workbooks and annual reports) and fetches the files
    from `/filer/`; the administration also follows up failed jobs there. Everyone may open the
    page, but only these roles have a reason to, so only they get it in the menu."""
    return can_view_statistics(user) or can_view_failed_jobs(user)


def can_manage_retention(user: User) -> bool:
    """The administration sets the municipality's retention periods, reads the dry run and
    confirms deletions (docs/retention.md)."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_import(user: User) -> bool:
    """The administration imports the municipality's spreadsheets (children with guardians,
    institutions with rooms, pedagogues with contracts, historic decisions and courses) and reads
    their dry runs (docs/import.md)."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def can_export_municipality(user: User) -> bool:
    """The administration of a municipality takes all of its data out as one archive, to
    leave Inklusio or to move it to another installation (docs/archive.md): an active
    administrator of that municipality only, and only of their own."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def imports_visible_to(user: User) -> QuerySet[ImportRun]:
    """The municipality's imports, for the administration only."""
    from inklusio.imports.models import ImportRun

    if not can_import(user):
        return ImportRun.objects.none()
    return ImportRun.objects.in_municipality_of(user)


# --- Sign-in: the second factor ----------------------------------------------------------------
# Staff see children's data at work; a stolen password alone must not open it. Guardians see
# their own child only and may choose a second factor (issue 15).


def second_factor_required(user: User) -> bool:
    """Whether `user` must have a second factor before anything else (INKLUSIO_REQUIRE_2FA)."""
    return bool(settings.REQUIRE_2FA) and user.role != Role.GUARDIAN


def can_reset_second_factors(user: User) -> bool:
    """The administration resets a lost second factor for the people of its municipality."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def users_whose_second_factor_may_be_reset(user: User) -> QuerySet[User]:
    """Everyone else in the administrator's municipality; no one resets their own."""
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    if not can_reset_second_factors(user):
        return users.none()
    return users.exclude(pk=user.pk)


# --- The municipality's staff accounts ------------------------------------------------------
# Pedagogues arrive by the spreadsheet import and partners from the partner directory; the
# administration opens, changes, moves and closes the other accounts of its municipality, so
# access ends the day someone leaves or moves.

# Roles the users page manages; partners live in the partner directory, guardians with their child.
MANAGED_ROLES = (
    Role.ADMINISTRATOR,
    Role.CORPS_LEADER,
    Role.PEDAGOGUE,
    Role.INSTITUTION_LEADER,
    Role.STAFF,
)


def can_manage_users(user: User) -> bool:
    """The administration (an active administrator) manages its municipality's staff accounts."""
    return _active(user) and user.role == Role.ADMINISTRATOR


def users_managed_by(user: User) -> QuerySet[User]:
    """The municipality's accounts the administration manages: everyone but partners (the
    partner directory) and guardians, closed accounts included, and the administrator too."""
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    if not can_manage_users(user):
        return users.none()
    return users.filter(role__in=MANAGED_ROLES)


# --- API tokens (docs/api.md) ------------------------------------------------------------------


def may_hold_api_token(user: User) -> bool:
    """API tokens connect other systems for those who work in Inklusio. Guardians use the web
    pages and hold none: a bearer key in a family's hands would be a way in without the
    sign-in, and a token kept from before is refused (api/v1/auth.py)."""
    return _active(user) and user.role != Role.GUARDIAN


def users_for_api_tokens(user: User) -> QuerySet[User]:
    """For whom `user` may make API tokens: themselves, and for the administration every
    active person of its municipality who may hold one. A token acts with its owner's
    rights, never more."""
    users: QuerySet[User] = (
        User.objects.in_municipality_of(user).filter(is_active=True).exclude(role=Role.GUARDIAN)
    )
    if not _active(user):
        return users.none()
    if user.role == Role.ADMINISTRATOR:
        return users
    return users.filter(pk=user.pk)


def api_tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """Tokens a user sees and may revoke: their own; the administration's, all of the
    municipality's."""
    from inklusio.people.models import ApiToken

    tokens = ApiToken.objects.in_municipality_of(user)
    if not _active(user):
        return tokens.none()
    if user.role == Role.ADMINISTRATOR:
        return tokens
    return tokens.filter(owner=user)


def can_manage_api_tokens_of_others(user: User) -> bool:
    return _active(user) and user.role == Role.ADMINISTRATOR


def api_may_write(request: Any) -> bool:
    """A browser session writes as its user (with CSRF); a token only with the write scope."""
    token = getattr(request, "api_token", None)
    return token is None or token.can_write


# --- Partners: the directory and invitations (issue 18.3) -------------------------------------
# The administration keeps the municipality's directory of partner organisations and people. A
# partner is invited to one thing (a child's case, a plan, a consultative or plan meeting) by the
# administration or the leader of the institution the thing belongs to, and sees that only.


def can_manage_partner_directory(user: User) -> bool:
    return _active(user) and user.role == Role.ADMINISTRATOR


def partner_organisations_visible_to(user: User) -> QuerySet[PartnerOrganisation]:
    from inklusio.partners.models import PartnerOrganisation

    organisations = PartnerOrganisation.objects.in_municipality_of(user)
    return organisations if can_manage_partner_directory(user) else organisations.none()


def partner_profiles_visible_to(user: User) -> QuerySet[PartnerProfile]:
    from inklusio.partners.models import PartnerProfile

    profiles = PartnerProfile.objects.in_municipality_of(user)
    return profiles if can_manage_partner_directory(user) else profiles.none()


def _inviting_institution(user: User) -> Q | None:
    """Whose things a user may invite partners to, as a filter on institutions' ids: all of
    the municipality for the administration, the own institution for its leader."""
    if not _active(user):
        return None
    if user.role == Role.ADMINISTRATOR:
        return Q()
    if user.role == Role.INSTITUTION_LEADER and user.institution_id:
        return Q(pk=user.institution_id)
    return None


def can_invite_partners(user: User) -> bool:
    return _inviting_institution(user) is not None


def partners_for_invitation(user: User) -> QuerySet[User]:
    """Only active partners of active organisations in the directory may be invited."""
    users: QuerySet[User] = User.objects.in_municipality_of(user)
    if not can_invite_partners(user):
        return users.none()
    return users.filter(
        role=Role.PARTNER,
        is_active=True,
        partner_profile__isnull=False,
        partner_profile__deactivated_on__isnull=True,
        partner_profile__organisation__deactivated_on__isnull=True,
    ).select_related("partner_profile__organisation")


def _may_invite_at(user: User, institution_id: int | None, municipality_id: int) -> bool:
    rule = _inviting_institution(user)
    if rule is None or user.municipality_id != municipality_id:
        return False
    return user.role == Role.ADMINISTRATOR or institution_id == user.institution_id


def can_invite_to_child(user: User, child: Child) -> bool:
    """The administration and the leader of the child's institution, for a child in daycare."""
    return (
        _may_invite_at(user, child.institution_id, child.municipality_id)
        and child.left_on is None
        and can_view_child(user, child)
    )


@answered_once_per_page
def can_invite_to_plan(user: User, plan: ActionPlan) -> bool:
    """The administration and the leader of the plan's institution, while the plan is open."""
    return (
        not plan.is_closed
        and _may_invite_at(user, plan.institution_id, plan.municipality_id)
        and _visible(plans_visible_to(user), plan)
    )


def can_invite_to_plan_meeting(user: User, meeting: Any) -> bool:
    return can_invite_to_plan(user, meeting.plan)


@answered_once_per_page
def can_invite_to_meeting(user: User, meeting: ConsultativeMeeting) -> bool:
    """The administration and the leader of the meeting's institution."""
    return _may_invite_at(user, meeting.institution_id, meeting.municipality_id) and _visible(
        consultative_meetings_visible_to(user), meeting
    )


def _invitations_of_institution(institution_id: int) -> Q:
    return (
        Q(scope=PartnerInvitation.Scope.CHILD, child__institution_id=institution_id)
        | Q(scope=PartnerInvitation.Scope.PLAN, plan__institution_id=institution_id)
        | Q(scope=PartnerInvitation.Scope.MEETING, meeting__institution_id=institution_id)
        | Q(
            scope=PartnerInvitation.Scope.PLAN_MEETING,
            plan_meeting__plan__institution_id=institution_id,
        )
    )


def invitations_visible_to(user: User) -> QuerySet[PartnerInvitation]:
    """The invitation list: the administration all of the municipality's, a leader those to
    the own institution's children, plans and meetings; a partner their own (the start page
    shows the current ones)."""
    invitations = PartnerInvitation.objects.in_municipality_of(user)
    if not _active(user):
        return invitations.none()
    match user.role:
        case Role.ADMINISTRATOR:
            return invitations
        case Role.INSTITUTION_LEADER if user.institution_id:
            # Not "those they made": a leader who moves leaves the old institution's
            # invitations behind, and a child who left long ago is the administration's alone.
            return invitations.filter(
                _invitations_of_institution(user.institution_id),
                Q(child__isnull=True) | Q(child__in=children_visible_to(user)),
            )
        case Role.PARTNER:
            return _current_invitations(user)
    return invitations.none()


def can_use_partner_invitations(user: User) -> bool:
    """The invitation list is for those who invite: the administration and institution leaders."""
    return can_invite_partners(user)


def _invitation_institution_id(invitation: PartnerInvitation) -> int | None:
    """The institution whose child, plan or meeting the invitation is to (relations as the
    caller selected them)."""
    match invitation.scope:
        case PartnerInvitation.Scope.PLAN:
            return invitation.plan.institution_id if invitation.plan else None
        case PartnerInvitation.Scope.MEETING:
            return invitation.meeting.institution_id if invitation.meeting else None
        case PartnerInvitation.Scope.PLAN_MEETING:
            meeting = invitation.plan_meeting
            return meeting.plan.institution_id if meeting else None
    return invitation.child.institution_id if invitation.child else None


def may_end_listed_invitation(user: User, invitation: PartnerInvitation) -> bool:
    """`can_end_invitation` for a row of `invitations_visible_to(user)` (the list): the rule
    without reading the visibility again."""
    if not _active(user) or user.role == Role.PARTNER:
        return False
    if invitation.status() in {"ended", "expired"}:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return (
        user.role == Role.INSTITUTION_LEADER
        and user.institution_id is not None
        and _invitation_institution_id(invitation) == user.institution_id
    )


@answered_once_per_page
def can_end_invitation(user: User, invitation: PartnerInvitation) -> bool:
    """The institution's leader (the inviter, or who leads it after them) or the administration
    may end an invitation early, while it has not ended (by itself or early)."""
    return _visible(invitations_visible_to(user), invitation) and may_end_listed_invitation(
        user, invitation
    )


# --- Today list and reminders --------------------------------------------------------------------

STAFF_ROLES = {
    Role.ADMINISTRATOR,
    Role.CORPS_LEADER,
    Role.PEDAGOGUE,
    Role.INSTITUTION_LEADER,
    Role.STAFF,
}


def can_use_today(user: User) -> bool:
    """The today list and its reminders are the municipality's staff's: each item on it is
    still filtered by the rule for its kind (plans, courses, meetings, decisions)."""
    return _active(user) and user.role in STAFF_ROLES
