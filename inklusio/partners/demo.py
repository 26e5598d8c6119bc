"""Demo partners (issue 18.3): the directory's organisations and the demo partners in them, an
invitation to one action plan and one that has expired, besides the child invitations the
core demo makes (given an end here, as every new invitation has)."""

import datetime

from inklusio.children.models import PartnerInvitation
from inklusio.core.demo import DemoContext
from inklusio.partners.models import OrganisationKind, PartnerOrganisation, PartnerProfile
from inklusio.plans.models import ActionPlan

ORGANISATIONS = [
    ("PPR Ishøj", OrganisationKind.PPR, "ppr@ishoj.example", "+45 43 57 70 00"),
    ("Tale-hørekonsulenterne", OrganisationKind.SPEECH_HEARING, "tale@ishoj.example", ""),
    ("Terapeuterne i Børn og Unge", OrganisationKind.THERAPISTS, "terapi@ishoj.example", ""),
    ("Sundhedsplejen", OrganisationKind.HEALTH_VISITORS, "sundhedspleje@ishoj.example", ""),
    ("Familieafdelingen", OrganisationKind.FAMILY_DEPARTMENT, "familie@ishoj.example", ""),
]
PEOPLE = {"demo-psykolog": "PPR Ishøj", "demo-talekonsulent": "Tale-hørekonsulenterne"}


def build(demo: DemoContext) -> None:
    administrator = demo.users["demo-forvaltning"]
    organisations = {
        name: PartnerOrganisation.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            name=name,
            kind=kind,
            email=email,
            phone=phone,
        )
        for name, kind, email, phone in ORGANISATIONS
    }
    for username, organisation in PEOPLE.items():
        PartnerProfile.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            user=demo.users[username],
            organisation=organisations[organisation],
            created_by=administrator,
        )
    today = demo.today
    invitations = PartnerInvitation.objects.filter(municipality=demo.municipality)
    invitations.filter(valid_until__isnull=True).update(
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=150),
    )
    speech = demo.users["demo-talekonsulent"]
    plan = (
        ActionPlan.objects.filter(municipality=demo.municipality, child__isnull=False)
        .order_by("created_at")
        .first()
    )
    if plan is not None:
        PartnerInvitation.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            scope=PartnerInvitation.Scope.PLAN,
            plan=plan,
            child=plan.child,
            partner=speech,
            invited_by=demo.users["demo-leder"],
            reason="Sprogvurdering og forslag til sprogmål i planen",
            valid_from=today - datetime.timedelta(days=7),
            valid_until=today + datetime.timedelta(days=90),
        )
    # A child's case the psychologist was invited to earlier: the invitation has expired.
    child = demo.children[5]
    PartnerInvitation.objects.create(
        municipality=demo.municipality,
        public_id=demo.uuid(),
        scope=PartnerInvitation.Scope.CHILD,
        child=child,
        partner=demo.users["demo-psykolog"],
        invited_by=administrator,
        reason="Udredning før visitationsmødet",
        valid_from=today - datetime.timedelta(days=200),
        valid_until=today - datetime.timedelta(days=20),
    )
