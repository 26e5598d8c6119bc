"""A national dataset for the load benchmark (`bench/load.py`, issue 14).

Deterministic: the same seed on the same day gives the same rows (public ids, names, dates
laid out around today); only the time of day in timestamps and the password hash's salt
differ. Written in bulk (`bulk_create`, and PostgreSQL's COPY for the audit log), never
through the services: the point is volume, not history. Municipalities vary in size like
Danish ones (a few large, many small). Every municipality gets users in every role, all with
the benchmark password:

    <slug>-forvaltning, <slug>-korpsleder, <slug>-paedagog-<n>, <slug>-leder-<n>,
    <slug>-personale-<n>, <slug>-psykolog, <slug>-talekonsulent, <slug>-foraelder-<n>

(`k0` is the smallest municipality, `k<N-1>` the largest). The audit rows are sealed exactly as
`audit.services` seals them: each municipality's chain is continued from its head in id order
with the same keyed hash, so `manage.py audit_verify` accepts them (with the same
`INKLUSIO_AUDIT_HASH_KEY`/`DJANGO_SECRET_KEY` as the command ran with).

Refused in production and on a database that already holds municipalities.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import time
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from inklusio.audit.models import AuditAction, AuditEntry, AuditEntryChild
from inklusio.audit.services import seal
from inklusio.children.models import (
    Child,
    DifficultyCategory,
    Guardian,
    Guardianship,
    PartnerInvitation,
)
from inklusio.courses.models import Course, EffectMeasure, Participant, Session
from inklusio.meetings.models import AgendaItem, ConsultativeMeeting, MinutesVersion
from inklusio.organisation.models import Institution, Municipality, Room
from inklusio.people.models import PedagogueAttachment, Profession, Role, User
from inklusio.planning.models import Contract, DemandRule, PlanSlot, WeeklyPlan
from inklusio.plans.models import (
    Acknowledgement,
    ActionPlan,
    Agreement,
    Goal,
    PlanMeeting,
    PlanVersion,
)
from inklusio.plans.rules import PLAN_FIELDS
from inklusio.referrals.models import (
    CommitteeMeeting,
    Decision,
    LegalBasis,
    Offer,
    Referral,
    VisitationPeriod,
)

BENCH_PASSWORD = "inklusio-bench"  # noqa: S105 - the documented benchmark password
BATCH = 5000
AUDIT_BATCH = 50_000
GUARDIAN_LOGINS = 5  # per municipality
INVITED_CHILDREN = 10  # per partner
FIRST = ["Ida", "Noah", "Emma", "Oscar", "Freja", "William", "Alma", "Karl", "Ella", "Aksel"]
LAST = ["Hansen", "Jensen", "Nielsen", "Larsen", "Pedersen", "Andersen", "Christensen", "Møller"]


def municipality_weights(count: int) -> list[float]:
    """Relative sizes averaging 1: a few large municipalities, many small."""
    raw = [0.3 + 2.4 * (m / count) ** 3 for m in range(count)]
    return [w * count / sum(raw) for w in raw]


def second_factors(users: Sequence[User], seed: int) -> None:
    """A confirmed authenticator (TOTP) for every user who must use a second factor in
    production (all but guardians), its key derived from the seed and the username, so that
    `bench/load.py` signs in as production asks. Its key is in the database: bench data only."""
    TOTPDevice.objects.bulk_create(
        TOTPDevice(
            user=user,
            name="bench",
            confirmed=True,
            key=hashlib.sha256(f"bench-totp:{seed}:{user.username}".encode()).hexdigest()[:40],
        )
        for user in users
        if user.role != Role.GUARDIAN
    )


def period_start(day: datetime.date) -> datetime.date:
    """Visitation periods run 1 April–31 March."""
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


class Generator:
    def __init__(self, *, seed: int, password: str, out: Any) -> None:
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
        self.out = out
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.password_hash = make_password(password)
        # Per municipality, for the audit rows: (municipality id, actors, children).
        self.audit_pools: list[tuple[int, list[User], list[Child]]] = []

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day_within(self, days_back: int, days_forward: int = 0) -> datetime.date:
        return self.today + datetime.timedelta(
            days=self.rng.randrange(-days_back, days_forward + 1)
        )

    def aware(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def users(self, municipality: Municipality, specs: list[dict[str, Any]]) -> list[User]:
        created = [
            User(
                municipality=municipality,
                password=self.password_hash,
                email=f"{spec['username']}@bench.example",
                first_name=self.rng.choice(FIRST),
                last_name=self.rng.choice(LAST),
                **spec,
            )
            for spec in specs
        ]
        users = User.objects.bulk_create(created, batch_size=BATCH)
        second_factors(users, self.seed)
        return users

    # One municipality --------------------------------------------------------------------
    def municipality(self, index: int, weight: float, children: int, courses: int) -> None:
        rng = self.rng
        slug = f"k{index}"
        municipality = Municipality.objects.create(name=f"Kommune {index}", slug=slug)
        m = municipality
        institutions = Institution.objects.bulk_create(
            Institution(
                municipality=m,
                public_id=self.uuid(),
                name=f"Institution {index}-{i}",
                kind=rng.choice(Institution.Kind.values),
                size=rng.randrange(30, 160),
                address=f"Vej {i}",
            )
            for i in range(max(3, int(12 * weight)))
        )
        rooms = Room.objects.bulk_create(
            Room(municipality=m, institution=institution, name=name)
            for institution in institutions
            for name in ("Myretuen", "Solsikken")
        )
        rooms_of = {
            inst.pk: [r for r in rooms if r.institution_id == inst.pk] for inst in institutions
        }
        admin, leader_of_corps = self.users(
            m,
            [
                {"username": f"{slug}-forvaltning", "role": Role.ADMINISTRATOR},
                {"username": f"{slug}-korpsleder", "role": Role.CORPS_LEADER},
            ],
        )
        pedagogues = self.users(
            m,
            [
                {"username": f"{slug}-paedagog-{i}", "role": Role.PEDAGOGUE}
                for i in range(max(2, (len(institutions) + 2) // 3))
            ],
        )
        leaders = self.users(
            m,
            [
                {
                    "username": f"{slug}-leder-{i}",
                    "role": Role.INSTITUTION_LEADER,
                    "institution": inst,
                }
                for i, inst in enumerate(institutions)
            ],
        )
        staff = self.users(
            m,
            [
                {"username": f"{slug}-personale-{i}", "role": Role.STAFF, "institution": inst}
                for i, inst in enumerate(institutions)
            ],
        )
        psychologist, consultant = self.users(
            m,
            [
                {
                    "username": f"{slug}-psykolog",
                    "role": Role.PARTNER,
                    "profession": Profession.PSYCHOLOGIST,
                },
                {
                    "username": f"{slug}-talekonsulent",
                    "role": Role.PARTNER,
                    "profession": Profession.SPEECH_CONSULTANT,
                },
            ],
        )
        # Each institution has a resource pedagogue and another one in the support function.
        resource_of, support_of = {}, {}
        attachments = []
        for i, inst in enumerate(institutions):
            resource_of[inst.pk] = pedagogues[i % len(pedagogues)]
            support_of[inst.pk] = pedagogues[(i + 1) % len(pedagogues)]
            attachments += [
                PedagogueAttachment(
                    municipality=m,
                    pedagogue=resource_of[inst.pk],
                    institution=inst,
                    function=PedagogueAttachment.Function.RESOURCE,
                ),
                PedagogueAttachment(
                    municipality=m,
                    pedagogue=support_of[inst.pk],
                    institution=inst,
                    function=PedagogueAttachment.Function.SUPPORT,
                ),
            ]
        PedagogueAttachment.objects.bulk_create(attachments)
        DemandRule.objects.create(municipality=m)
        Contract.objects.bulk_create(
            Contract(municipality=m, public_id=self.uuid(), pedagogue=p) for p in pedagogues
        )

        kids = self.children(m, institutions, rooms_of, max(6, children))
        guardian_users = self.guardians(m, slug, kids)
        PartnerInvitation.objects.bulk_create(
            PartnerInvitation(
                municipality=m,
                child=child,
                partner=partner,
                invited_by=admin,
                reason="Udredning",
                valid_from=self.today - datetime.timedelta(days=60),
                valid_until=self.today + datetime.timedelta(days=300),
            )
            for partner in (psychologist, consultant)
            for child in rng.sample(kids, min(INVITED_CHILDREN, len(kids)))
        )
        granted = self.visitation(m, kids, admin)
        self.courses(m, institutions, kids, resource_of, max(2, courses))
        leader_of = {u.institution_id: u for u in leaders}
        self.action_plans(m, granted, support_of, leader_of, guardian_users)
        self.consultative_meetings(m, institutions, resource_of, [psychologist, consultant])
        self.weekly_plans(m, leader_of_corps, pedagogues, attachments)
        actors = [admin, leader_of_corps, *pedagogues, *leaders, *staff, psychologist, consultant]
        self.audit_pools.append((municipality.pk, actors, kids))

    def children(
        self,
        m: Municipality,
        institutions: list[Institution],
        rooms_of: dict[int, list[Room]],
        count: int,
    ) -> list[Child]:
        rng = self.rng
        kids = []
        for i in range(count):
            birth = self.today - datetime.timedelta(days=rng.randrange(365, 6 * 365))
            institution = rng.choice(institutions)
            kids.append(
                Child(
                    municipality=m,
                    public_id=self.uuid(),
                    # Birth date and a running number: unique per municipality, never valid.
                    cpr=f"{birth:%d%m%y}{i % 10_000:04d}",
                    first_name=rng.choice(FIRST),
                    last_name=f"{rng.choice(LAST)} {i}",
                    birth_date=birth,
                    institution=institution,
                    room=rng.choice(rooms_of[institution.pk]),
                    category=rng.choice(DifficultyCategory.values),
                    languages="dansk",
                )
            )
        return Child.objects.bulk_create(kids, batch_size=BATCH)

    def guardians(self, m: Municipality, slug: str, kids: list[Child]) -> list[User]:
        logins = self.users(
            m,
            [
                {"username": f"{slug}-foraelder-{i}", "role": Role.GUARDIAN}
                for i in range(min(GUARDIAN_LOGINS, len(kids)))
            ],
        )
        guardians = Guardian.objects.bulk_create(
            (
                Guardian(
                    municipality=m,
                    public_id=self.uuid(),
                    name=f"Forælder til {child.first_name}",
                    user=logins[i] if i < len(logins) else None,
                )
                for i, child in enumerate(kids)
            ),
            batch_size=BATCH,
        )
        Guardianship.objects.bulk_create(
            (
                Guardianship(municipality=m, child=child, guardian=guardian, relation="mor")
                for child, guardian in zip(kids, guardians, strict=True)
            ),
            batch_size=BATCH,
        )
        return logins

    def visitation(self, m: Municipality, kids: list[Child], admin: User) -> list[Decision]:
        """A third of the children were referred; 60 % were granted a support pedagogue.
        Returns the grants still running."""
        rng = self.rng
        basis = LegalBasis.objects.create(municipality=m, title="Dagtilbudslovens § 4", text="-")
        first = period_start(self.today - datetime.timedelta(days=5 * 365))
        periods = {}
        while first <= self.today:
            periods[first] = VisitationPeriod.objects.create(
                municipality=m,
                public_id=self.uuid(),
                start=first,
                end=first.replace(year=first.year + 1) - datetime.timedelta(days=1),
                support_places=10_000,
            )
            first = first.replace(year=first.year + 1)
        CommitteeMeeting.objects.bulk_create(
            CommitteeMeeting(
                municipality=m,
                public_id=self.uuid(),
                date=start + datetime.timedelta(days=30 * month + 14),
                period=period,
            )
            for start, period in periods.items()
            for month in range(0, 12, 3)
        )
        referrals, decisions = [], []
        for n, child in enumerate(kids[: len(kids) // 3]):
            # Grants run a year: 40 % were decided in the last year, so many are running (the
            # first one always is, so that even a tiny municipality has an action plan).
            recent = n == 0 or rng.random() < 0.4
            decided = self.day_within(300 if recent else 5 * 365 - 30, 0)
            granted = n == 0 or rng.random() < 0.6
            referral = Referral(
                municipality=m,
                public_id=self.uuid(),
                child=child,
                offer=Offer.SUPPORT_PEDAGOGUE,
                category=child.category,
                description="-",
                status=Referral.Status.DECIDED,
                referred_by=admin,
                created_at=self.aware(decided - datetime.timedelta(days=30)),
                submitted_at=self.aware(decided - datetime.timedelta(days=21)),
            )
            referrals.append(referral)
            start = decided + datetime.timedelta(days=5)
            decisions.append(
                Decision(
                    municipality=m,
                    public_id=self.uuid(),
                    child=child,
                    referral=referral,
                    outcome=Decision.Outcome.GRANTED if granted else Decision.Outcome.REFUSED,
                    offer=Offer.SUPPORT_PEDAGOGUE,
                    category=child.category,
                    reasons="-",
                    legal_basis=basis,
                    start=start if granted else None,
                    end=start + datetime.timedelta(days=364) if granted else None,
                    period=periods[period_start(decided)] if granted else None,
                    decided_by=admin,
                    contact_person=admin,
                    decided_on=decided,
                    reassessment_due=start + datetime.timedelta(days=330) if granted else None,
                    placed_on=start if granted else None,
                )
            )
        Referral.objects.bulk_create(referrals, batch_size=BATCH)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        return [
            d
            for d in decisions
            if d.outcome == Decision.Outcome.GRANTED and d.end is not None and d.end >= self.today
        ]

    def courses(
        self,
        m: Municipality,
        institutions: list[Institution],
        kids: list[Child],
        resource_of: dict[int, User],
        count: int,
    ) -> None:
        rng = self.rng
        kinds = ["group"] * 5 + ["individual"] * 4 + ["reflection", "action_learning"]
        by_institution: dict[int, list[Child]] = {}
        for child in kids:
            by_institution.setdefault(child.institution_id, []).append(child)
        courses = []
        for _ in range(count):
            institution = rng.choice(institutions)
            start = self.day_within(5 * 365, 30)
            closed = start + datetime.timedelta(days=rng.randrange(90, 240))
            pedagogue = resource_of[institution.pk]
            courses.append(
                Course(
                    municipality=m,
                    public_id=self.uuid(),
                    institution=institution,
                    kind=rng.choice(kinds),
                    title=f"Forløb {rng.randrange(1000)}",
                    goals="-",
                    start=start,
                    planned_end=Course.default_end(start),
                    pedagogue=pedagogue,
                    created_by=pedagogue,
                    created_at=self.aware(start - datetime.timedelta(days=7)),
                    closed_on=closed if closed < self.today else None,
                )
            )
        Course.objects.bulk_create(courses, batch_size=BATCH)
        participants, sessions = [], []
        for course in courses:
            pool = by_institution.get(course.institution_id) or kids
            if course.kind == "group":
                picked = rng.sample(pool, min(len(pool), 6))
                roles = ["case"] * 4 + ["role_model"] * 2
            elif course.kind == "individual":
                picked, roles = [rng.choice(pool)], ["case"]
            else:
                picked, roles = [], []
            participants += [
                Participant(
                    municipality=m,
                    public_id=self.uuid(),
                    course=course,
                    child=child,
                    role=role,
                    joined_on=course.start,
                )
                for child, role in zip(picked, roles, strict=False)
            ]
            for week in range(4):
                day = course.start + datetime.timedelta(weeks=week)
                cancelled = day < self.today and rng.random() < 0.12
                status = "planned" if day >= self.today else "cancelled" if cancelled else "held"
                sessions.append(
                    Session(
                        municipality=m,
                        public_id=self.uuid(),
                        course=course,
                        date=day,
                        status=status,
                        cause=rng.choice(Session.Cause.values) if cancelled else "",
                    )
                )
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        Session.objects.bulk_create(sessions, batch_size=BATCH)
        started = {c.pk: c for c in courses}
        measures = []
        for participant in participants:
            course = started[participant.course_id]
            if participant.role != "case" or course.start > self.today:
                continue
            phases = [("start", 0, course.start)]
            if course.closed_on:
                phases.append(("end", 1, course.closed_on))
            for phase, lift, day in phases:
                scores = {d: min(5, rng.randrange(1, 5) + lift) for d in EffectMeasure.DIMENSIONS}
                measures.append(
                    EffectMeasure(
                        municipality=m,
                        participant=participant,
                        phase=phase,
                        assessed_by=course.pedagogue,
                        assessed_on=day,
                        **scores,
                    )
                )
        EffectMeasure.objects.bulk_create(measures, batch_size=BATCH)

    def action_plans(
        self,
        m: Municipality,
        grants: list[Decision],
        support_of: dict[int, User],
        leader_of: dict[int, User],
        guardian_users: list[User],
    ) -> None:
        """A plan for every running grant: two goals, two agreements, the first version, the
        held first meeting (acknowledged) and a follow-up ahead."""
        rng = self.rng
        plans = []
        for decision in grants:
            child = decision.child
            plans.append(
                ActionPlan(
                    municipality=m,
                    public_id=self.uuid(),
                    child=child,
                    institution_id=child.institution_id,
                    owner=support_of[child.institution_id],
                    title=f"Handleplan for {child.first_name}",
                    problem="-",
                    strategies="-",
                    duration="6 måneder",
                    follow_up_how="Opfølgningsmøde med forældre og personale",
                    status=ActionPlan.Status.ACTIVE,
                    created_at=self.aware(decision.start),
                )
            )
        ActionPlan.objects.bulk_create(plans, batch_size=BATCH)
        goals, agreements, versions = [], [], []
        for plan in plans:
            plan_goals = [
                Goal(
                    municipality=m,
                    plan=plan,
                    position=p,
                    text=f"Mål {p + 1}",
                    success_criterion="Vi ser det i hverdagen",
                )
                for p in range(2)
            ]
            plan_agreements = [
                Agreement(
                    municipality=m,
                    plan=plan,
                    position=p,
                    text=f"Aftale {p + 1}",
                    owner="Stuens pædagoger",
                    due=self.today + datetime.timedelta(days=rng.randrange(7, 90)),
                )
                for p in range(2)
            ]
            goals += plan_goals
            agreements += plan_agreements
            snapshot: dict[str, Any] = {
                name: value if isinstance(value := getattr(plan, name), int | str) else str(value)
                for name in PLAN_FIELDS
            }
            snapshot["goals"] = [
                {"text": g.text, "success_criterion": g.success_criterion, "dropped": False}
                for g in plan_goals
            ]
            snapshot["agreements"] = [
                {"text": a.text, "owner": a.owner, "due": a.due.isoformat() if a.due else ""}
                for a in plan_agreements
            ]
            versions.append(
                PlanVersion(
                    municipality=m,
                    plan=plan,
                    number=1,
                    snapshot=snapshot,
                    source=PlanVersion.Source.CREATED,
                    created_by=plan.owner,
                    created_at=plan.created_at,
                )
            )
        Goal.objects.bulk_create(goals, batch_size=BATCH)
        Agreement.objects.bulk_create(agreements, batch_size=BATCH)
        PlanVersion.objects.bulk_create(versions, batch_size=BATCH)
        meetings, attendance = [], []
        guardian_of = {
            g.child_id: g.guardian.user
            for g in Guardianship.objects.filter(
                municipality=m, guardian__user__in=guardian_users
            ).select_related("guardian__user")
        }
        for plan, version in zip(plans, versions, strict=True):
            held = PlanMeeting(
                municipality=m,
                public_id=self.uuid(),
                plan=plan,
                kind=PlanMeeting.Kind.INITIAL,
                date=plan.created_at.date() + datetime.timedelta(days=14),
                agreed_version=version,
                held=True,
                created_by=plan.owner,
            )
            ahead = PlanMeeting(
                municipality=m,
                public_id=self.uuid(),
                plan=plan,
                kind=PlanMeeting.Kind.FOLLOW_UP,
                date=self.today + datetime.timedelta(days=rng.randrange(1, 60)),
                created_by=plan.owner,
            )
            meetings += [held, ahead]
            people = [plan.owner, leader_of[plan.institution_id]]
            guardian = guardian_of.get(plan.child_id)
            if guardian is not None:
                people.append(guardian)
            attendance += [(held, p) for p in people] + [(ahead, p) for p in people]
        PlanMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        through = PlanMeeting.participants.through
        through.objects.bulk_create(
            (through(planmeeting=meeting, user=user) for meeting, user in attendance),
            batch_size=BATCH,
        )
        Acknowledgement.objects.bulk_create(
            (
                Acknowledgement(
                    municipality=m,
                    meeting=meeting,
                    user=user,
                    answer=Acknowledgement.Answer.AGREED,
                    at=self.aware(meeting.date, 14),
                )
                for meeting, user in attendance
                if meeting.held
            ),
            batch_size=BATCH,
        )

    def consultative_meetings(
        self,
        m: Municipality,
        institutions: list[Institution],
        resource_of: dict[int, User],
        partners: list[User],
    ) -> None:
        """Monthly in every institution: the last six months held, with minutes, one ahead."""
        meetings = []
        for inst in institutions:
            for month in range(-6, 2):
                first = (self.today.replace(day=1) + datetime.timedelta(days=31 * month)).replace(
                    day=10
                )
                meetings.append(
                    ConsultativeMeeting(
                        municipality=m,
                        public_id=self.uuid(),
                        institution=inst,
                        date=first,
                        resource_pedagogue=resource_of[inst.pk],
                        created_by=resource_of[inst.pk],
                    )
                )
        ConsultativeMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        through = ConsultativeMeeting.partners.through
        through.objects.bulk_create(
            (
                through(consultativemeeting=meeting, user=p)
                for meeting in meetings
                for p in partners
            ),
            batch_size=BATCH,
        )
        AgendaItem.objects.bulk_create(
            (
                AgendaItem(
                    municipality=m,
                    public_id=self.uuid(),
                    meeting=meeting,
                    kind=kind,
                    topic="Sprog og samspil på stuen",
                    position=position,
                    added_by=meeting.created_by,
                )
                for meeting in meetings
                for position, kind in enumerate((AgendaItem.Kind.ANONYMOUS, AgendaItem.Kind.GROUP))
            ),
            batch_size=BATCH,
        )
        MinutesVersion.objects.bulk_create(
            (
                MinutesVersion(
                    municipality=m, meeting=meeting, number=1, text="-", author=meeting.created_by
                )
                for meeting in meetings
                if meeting.date < self.today
            ),
            batch_size=BATCH,
        )

    def weekly_plans(
        self,
        m: Municipality,
        leader: User,
        pedagogues: list[User],
        attachments: list[PedagogueAttachment],
    ) -> None:
        """The corps' weekly plans: three weeks back published, this week published, next
        week proposed. Every pedagogue spends each half-day in one of their institutions."""
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        of_pedagogue: dict[int, list[PedagogueAttachment]] = {}
        for attachment in attachments:
            of_pedagogue.setdefault(attachment.pedagogue_id, []).append(attachment)
        plans, slots = [], []
        for week in range(-3, 2):
            plan = WeeklyPlan(
                municipality=m,
                public_id=self.uuid(),
                week_start=monday + datetime.timedelta(weeks=week),
                status=WeeklyPlan.Status.PUBLISHED if week <= 0 else WeeklyPlan.Status.PROPOSED,
                created_by=leader,
                solver_status="OPTIMAL",
                objective=0.0,
                best_bound=0.0,
                gap=0.0,
                solve_seconds=1.0,
            )
            plans.append(plan)
            for pedagogue in pedagogues:
                own = of_pedagogue.get(pedagogue.pk, [])
                if not own:
                    continue
                for day in range(5):
                    for half in range(2):
                        attachment = own[(2 * day + half) % len(own)]
                        slots.append(
                            PlanSlot(
                                municipality=m,
                                plan=plan,
                                pedagogue=pedagogue,
                                day=day,
                                half=half,
                                institution_id=attachment.institution_id,
                                function=attachment.function,
                            )
                        )
        WeeklyPlan.objects.bulk_create(plans)
        PlanSlot.objects.bulk_create(slots, batch_size=BATCH)

    # The audit log ----------------------------------------------------------------------
    def audit(self, total: int) -> int:
        """`total` entries over the last year, spread over the municipalities by size, each
        sealed into its municipality's chain. Returns the number of child links written."""
        rng = self.rng
        weights = [len(kids) for _, _, kids in self.audit_pools]
        heads: dict[int, str] = {}
        for municipality_id, _, _ in self.audit_pools:
            head = (
                AuditEntry.objects.filter(municipality_id=municipality_id)
                .order_by("-id")
                .values_list("entry_hash", flat=True)
                .first()
            )
            heads[municipality_id] = head or ""
        next_id = (AuditEntry.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        span = datetime.timedelta(days=365).total_seconds()
        first_at = self.now - datetime.timedelta(days=365)
        links_written = 0
        done = 0
        while done < total:
            size = min(AUDIT_BATCH, total - done)
            entries: list[AuditEntry] = []
            links: list[tuple[int, uuid.UUID, str]] = []
            for n in range(size):
                position = done + n
                at = first_at + datetime.timedelta(seconds=span * position / total)
                pool = rng.choices(self.audit_pools, weights=weights)[0]
                municipality_id, actors, kids = pool
                actor = rng.choice(actors)
                entry, shown = self.audit_entry(next_id, municipality_id, actor, kids, at)
                entry.prev_hash = heads[municipality_id]
                pairs = [(str(c.public_id), c.full_name[:200]) for c in shown]
                entry.entry_hash = seal(entry, pairs)
                heads[municipality_id] = entry.entry_hash
                entries.append(entry)
                links += [(next_id, c.public_id, c.full_name[:200]) for c in shown]
                next_id += 1
            self.write_audit(entries, links)
            links_written += len(links)
            done += size
            self.out.write(f"  audit rows {done}/{total}")
        return links_written

    def audit_entry(
        self,
        entry_id: int,
        municipality_id: int,
        actor: User,
        kids: Sequence[Child],
        at: datetime.datetime,
    ) -> tuple[AuditEntry, list[Child]]:
        """Mostly reads of one child, then searches showing a few, changes and sign-ins."""
        draw = self.rng.random()
        common: dict[str, Any] = {
            "id": entry_id,
            "municipality_id": municipality_id,
            "at": at,
            "actor_id": actor.pk,
            "actor_name": actor.get_full_name() or actor.username,
        }
        if draw < 0.05:
            return AuditEntry(
                **common,
                action=AuditAction.LOGIN,
                object_type="user",
                object_id=str(actor.pk),
                object_label=actor.username,
                changes={},
            ), []
        if draw < 0.15:
            shown = self.rng.sample(list(kids), min(3, len(kids)))
            return AuditEntry(
                **common,
                action=AuditAction.SEARCH,
                object_type="child",
                changes={"results": sorted(str(c.public_id) for c in shown)},
            ), shown
        child = self.rng.choice(kids)
        changed = draw < 0.2
        return AuditEntry(
            **common,
            action=AuditAction.CHANGE if changed else AuditAction.READ,
            object_type="child",
            object_id=str(child.public_id),
            object_label=child.full_name[:200],
            child_id=child.public_id,
            child_name=child.full_name[:200],
            changes={"languages": {"before": "", "after": "dansk"}} if changed else {},
        ), [child]

    def write_audit(
        self, entries: list[AuditEntry], links: list[tuple[int, uuid.UUID, str]]
    ) -> None:
        if connection.vendor != "postgresql":
            AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
            AuditEntryChild.objects.bulk_create(
                (AuditEntryChild(entry_id=e, child_id=c, child_name=n) for e, c, n in links),
                batch_size=BATCH,
            )
            return
        columns = [
            "id",
            "municipality_id",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_label",
            "child_id",
            "child_name",
            "ip_address",
            "search_term",
            "changes",
            "prev_hash",
            "entry_hash",
        ]
        entry_table = AuditEntry._meta.db_table
        link_table = AuditEntryChild._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {entry_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for e in entries:
                    row = [getattr(e, c) for c in columns]
                    row[columns.index("changes")] = json.dumps(e.changes)
                    copy.write_row(row)
            with raw.copy(f"COPY {link_table} (entry_id, child_id, child_name) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [entry_table, entries[-1].pk],
            )


class Command(BaseCommand):
    help = (
        "Fill an empty database with a national dataset, users in every role (benchmark "
        "password) and sealed audit rows, for bench/load.py. Deterministic for a seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipalities", type=int, default=98)
        parser.add_argument("--children", type=int, default=25_000, help="in all municipalities")
        parser.add_argument("--courses", type=int, default=100_000, help="in all municipalities")
        parser.add_argument("--audit-rows", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument("--password", default=BENCH_PASSWORD)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "generate_scale makes users with a known password: not in production."
            )
        if Municipality.objects.exists():
            raise CommandError(
                "generate_scale needs an empty database (migrated, no municipalities)."
            )
        count = options["municipalities"]
        if count < 1:
            raise CommandError("--municipalities must be at least 1.")
        generator = Generator(seed=options["seed"], password=options["password"], out=self.stdout)
        started = time.monotonic()
        weights = municipality_weights(count)
        for index, weight in enumerate(weights):
            with transaction.atomic():
                generator.municipality(
                    index,
                    weight,
                    int(options["children"] * weight / count),
                    int(options["courses"] * weight / count),
                )
            if index % 10 == 0 or index == count - 1:
                self.stdout.write(f"  municipality {index + 1}/{count}")
        with transaction.atomic():
            links = generator.audit(options["audit_rows"])
        if connection.vendor == "postgresql":
            # The state autovacuum keeps a working database in, now rather than when it gets
            # to the new rows: planner statistics (with the empty tables' estimates the
            # need-to-know subqueries scan whole tables; the access log's page took 1.8 s
            # instead of 55 ms until ANALYZE) and the visibility map (without it the access
            # log's count reads every heap page of the municipality's entries: 430 ms instead
            # of 27 ms for 59,000 entries).
            # (VACUUM cannot run inside a transaction, as under a test.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(f"generated in {time.monotonic() - started:.0f} s")
        self.report(links)

    def report(self, links: int) -> None:
        counted: list[type[models.Model]] = [
            Municipality,
            Institution,
            Child,
            Guardian,
            Referral,
            Decision,
            Course,
            Session,
            Participant,
            ActionPlan,
            Goal,
            PlanMeeting,
            ConsultativeMeeting,
            WeeklyPlan,
            AuditEntry,
        ]
        for model in counted:
            self.stdout.write(f"{model._meta.label:>28}: {model._default_manager.count():>10}")
        self.stdout.write(f"{'audit child links written':>28}: {links:>10}")
        for role, label in Role.choices:
            users = User.objects.filter(role=role).count()
            self.stdout.write(f"{'users ' + role:>28}: {users:>10}  ({label})")
