"""The demo municipality: Ishøj's scheme with invented people, deterministic from a seed.

Each app may have a `demo.py` with `build(demo: DemoContext)`; `load_demo` calls them in the
order of INSTALLED_APPS, so later apps add referrals, courses, plans on top of this foundation.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from inklusio.children.models import (
    Child,
    DifficultyCategory,
    Guardian,
    Guardianship,
    PartnerInvitation,
)
from inklusio.core.public_holidays import is_working_day
from inklusio.core.selectors import DEMO_PASSWORD
from inklusio.organisation.models import Institution, Municipality, ResourceGroup, Room
from inklusio.people.models import PedagogueAttachment, Profession, Role, User

DEMO_SLUG = "ishoj"

# name, kind, size, district — sizes are plausible, not Ishøj's real figures.
INSTITUTIONS = [
    ("Bøgely", Institution.Kind.INTEGRATED, 120, "Nord"),
    ("Elverhøj", Institution.Kind.KINDERGARTEN, 80, "Nord"),
    ("Femkanten", Institution.Kind.INTEGRATED, 140, "Syd"),
    ("Firkløveren", Institution.Kind.NURSERY, 48, "Syd"),
    ("Piletræet", Institution.Kind.INTEGRATED, 100, "Nord"),
    ("Regnbuen", Institution.Kind.KINDERGARTEN, 66, "Syd"),
    ("Troldebo", Institution.Kind.INTEGRATED, 110, "Nord"),
    ("Trækronerne", Institution.Kind.KINDERGARTEN, 75, "Syd"),
    ("Tvillingehuset", Institution.Kind.INTEGRATED, 130, "Nord"),
    ("Ørnebo", Institution.Kind.NURSERY, 40, "Syd"),
]
ROOM_NAMES = ["Solsikken", "Mariehønen", "Myretuen", "Bikuben", "Sommerfuglen", "Frøen"]
FIRST_NAMES = [
    "Noah",
    "Emma",
    "Oscar",
    "Ida",
    "Aya",
    "William",
    "Freja",
    "Malik",
    "Alma",
    "Lucas",
    "Clara",
    "Ali",
    "Ella",
    "Elias",
    "Sofia",
    "Karl",
    "Laura",
    "Mohammed",
    "Agnes",
    "Valdemar",
    "Asta",
    "Yusuf",
    "Luna",
    "Arthur",
    "Liva",
    "August",
    "Nora",
    "Ibrahim",
    "Mathilde",
    "Viggo",
    "Zainab",
    "Storm",
    "Josefine",
    "Hassan",
    "Ellen",
    "Felix",
    "Selma",
    "Omar",
    "Vilma",
    "Anton",
    "Lea",
]
# The children's guardians: a mother's name for "mor", a father's for "far" (as many of each,
# so a seed draws the same as before they were told apart).
MOTHERS = ["Anja", "Fatima", "Mette", "Sara", "Katrine", "Hanne", "Amina", "Louise"]
FATHERS = ["Peter", "Jesper", "Ahmet", "Rune", "Thomas", "Kasper", "Omar", "Michael"]
LAST_NAMES = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Ahmed",
    "Yilmaz",
    "Hussein",
    "Poulsen",
    "Johansen",
    "Mortensen",
]
LANGUAGES = [
    "dansk",
    "dansk",
    "dansk",
    "dansk, arabisk",
    "dansk, tyrkisk",
    "dansk, urdu",
    "dansk, somali",
]

# username, first, last, role, institution name or profession
STAFF_USERS = [
    ("demo-forvaltning", "Anne", "Lund", Role.ADMINISTRATOR, None),
    ("demo-korpsleder", "Birgitte", "Holm", Role.CORPS_LEADER, None),
    ("demo-paedagog", "Bo", "Kjær", Role.PEDAGOGUE, None),
    ("demo-leder", "Camilla", "Berg", Role.INSTITUTION_LEADER, "Bøgely"),
    ("demo-personale", "Dennis", "Friis", Role.STAFF, "Bøgely"),
    ("demo-psykolog", "Eva", "Skov", Role.PARTNER, Profession.PSYCHOLOGIST),
    ("demo-talekonsulent", "Frank", "Dahl", Role.PARTNER, Profession.SPEECH_CONSULTANT),
    ("demo-foraelder", "Gitte", "Hansen", Role.GUARDIAN, None),
]
# The other seven pedagogues of the corps (the first is demo-paedagog above).
PEDAGOGUE_NAMES = [
    ("Helle", "Vestergaard"),
    ("Ivan", "Mikkelsen"),
    ("Jette", "Bach"),
    ("Kasper", "Lauridsen"),
    ("Lone", "Winther"),
    ("Mads", "Krogh"),
    ("Nadia", "Østergaard"),
]
# Eight pedagogues × (two resource institutions + one support institution), never both
# functions in one institution, as the Ishøj evaluation describes.
ATTACHMENTS = [
    (("Bøgely", "Elverhøj"), "Femkanten"),
    (("Femkanten", "Firkløveren"), "Bøgely"),
    (("Piletræet", "Regnbuen"), "Troldebo"),
    (("Troldebo", "Trækronerne"), "Piletræet"),
    (("Tvillingehuset", "Ørnebo"), "Regnbuen"),
    (("Bøgely", "Troldebo"), "Tvillingehuset"),
    (("Femkanten", "Tvillingehuset"), "Elverhøj"),
    (("Elverhøj", "Regnbuen"), "Trækronerne"),
]


@dataclass
class DemoContext:
    rng: random.Random
    municipality: Municipality
    today: datetime.date
    users: dict[str, User] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    resource_groups: list[ResourceGroup] = field(default_factory=list)
    pedagogues: list[User] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    # Children of earlier years (now at school), behind the history in the statistics.
    former_children: list[Child] = field(default_factory=list)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def fake_cpr(self, birth_date: datetime.date) -> str:
        """A valid-format CPR number for an invented child (century digit as in real numbers)."""
        if birth_date.year >= 2000:
            century_digit = self.rng.choice("4" if birth_date.year < 2037 else "5678")
        else:
            century_digit = self.rng.choice("0123")
        serial = f"{century_digit}{self.rng.randrange(1000):03d}"
        return birth_date.strftime("%d%m%y") + serial

    def unique_cpr(self, birth_date: datetime.date) -> str:
        taken = {child.cpr for child in (*self.children, *self.former_children)}
        while (cpr := self.fake_cpr(birth_date)) in taken:
            pass
        return cpr


def weekday(day: datetime.date) -> datetime.date:
    """Meetings are held on working days: a Saturday, Sunday or public holiday moves back to the
    working day before (a page that spells out the day would otherwise show a meeting on a
    "lørdag", and a plan meeting on a holiday is refused)."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def former_child(
    demo: DemoContext, institution: Institution, birth_date: datetime.date, category: str
) -> Child:
    """A child who has since left daycare, kept for the history of cases and courses."""
    child = Child.objects.create(
        municipality=demo.municipality,
        public_id=demo.uuid(),
        cpr=demo.unique_cpr(birth_date),
        first_name=demo.rng.choice(FIRST_NAMES),
        last_name=demo.rng.choice(LAST_NAMES),
        birth_date=birth_date,
        institution=institution,
        category=category,
        left_on=datetime.date(birth_date.year + 6, 7, 31),
    )
    demo.former_children.append(child)
    return child


def _user(demo: DemoContext, username, first, last, role, **extra) -> User:
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        municipality=demo.municipality,
        email=f"{username}@ishoj.example",
        **extra,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    demo.users[username] = user
    return user


def build(demo: DemoContext) -> None:
    rng = demo.rng
    for name, kind, size, district in INSTITUTIONS:
        institution = Institution.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            name=name,
            kind=kind,
            size=size,
            district=district,
            address=f"{name}vej {rng.randrange(1, 60)}, 2635 Ishøj",
            leader_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        )
        demo.institutions[name] = institution
        for room_name in ROOM_NAMES[: 2 + size // 40]:
            Room.objects.create(
                municipality=demo.municipality, institution=institution, name=room_name
            )
    demo.resource_groups = [
        ResourceGroup.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            institution=demo.institutions["Troldebo"],
            name="Ressourcegruppen Troldebo",
            kind=ResourceGroup.Kind.RESOURCE_GROUP,
            places=8,
            description="Lille gruppe med tydelig struktur og forudsigelighed for børn 3–6 år.",
        ),
        ResourceGroup.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            institution=demo.institutions["Femkanten"],
            name="Minigruppen Femkanten",
            kind=ResourceGroup.Kind.MINI_GROUP,
            places=6,
            description="Minigruppe for børn med behov for en specialpædagogisk indsats.",
        ),
    ]

    for username, first, last, role, where in STAFF_USERS:
        extra = {}
        if role in (Role.INSTITUTION_LEADER, Role.STAFF):
            extra["institution"] = demo.institutions[where]
        if role == Role.PARTNER:
            extra["profession"] = where
        _user(demo, username, first, last, role, **extra)
    demo.pedagogues = [demo.users["demo-paedagog"]] + [
        _user(demo, f"demo-paedagog-{index}", first, last, Role.PEDAGOGUE)
        for index, (first, last) in enumerate(PEDAGOGUE_NAMES, start=2)
    ]
    for pedagogue, (resource, support) in zip(demo.pedagogues, ATTACHMENTS, strict=True):
        for name in resource:
            PedagogueAttachment.objects.create(
                municipality=demo.municipality,
                pedagogue=pedagogue,
                institution=demo.institutions[name],
                function=PedagogueAttachment.Function.RESOURCE,
            )
        PedagogueAttachment.objects.create(
            municipality=demo.municipality,
            pedagogue=pedagogue,
            institution=demo.institutions[support],
            function=PedagogueAttachment.Function.SUPPORT,
        )

    _children(demo)


def _children(demo: DemoContext) -> None:
    rng = demo.rng
    categories = [choice for choice, _ in DifficultyCategory.choices]
    rooms = {i.pk: list(i.rooms.all()) for i in demo.institutions.values()}
    institutions = list(demo.institutions.values())
    for index in range(60):
        institution = institutions[index % len(institutions)]
        age_days = rng.randrange(200, 6 * 365)
        birth_date = demo.today - datetime.timedelta(days=age_days)
        group = None
        if index % 12 == 0 and institution.resource_groups.exists():
            group = institution.resource_groups.first()
        last_name = rng.choice(LAST_NAMES)
        child = Child.objects.create(
            municipality=demo.municipality,
            public_id=demo.uuid(),
            cpr=demo.unique_cpr(birth_date),
            first_name=rng.choice(FIRST_NAMES),
            last_name=last_name,
            birth_date=birth_date,
            institution=institution,
            room=rng.choice(rooms[institution.pk]),
            resource_group=group,
            languages=rng.choice(LANGUAGES),
            category=rng.choice(categories) if index % 3 == 0 else "",
            created_at=timezone.now(),
        )
        demo.children.append(child)
        for parent_index in range(rng.choice([1, 2, 2])):
            relation = "mor" if parent_index == 0 else "far"
            first = rng.choice(MOTHERS if relation == "mor" else FATHERS)
            guardian = Guardian.objects.create(
                municipality=demo.municipality,
                public_id=demo.uuid(),
                name=f"{first} {last_name}",
                phone=f"+45 {rng.randrange(20, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                email=f"{first.lower()}.{index}@example.dk",
            )
            Guardianship.objects.create(
                municipality=demo.municipality,
                child=child,
                guardian=guardian,
                relation=relation,
            )
    # The demo parent is the mother of the first child at Bøgely, in the invented mother's place
    # (the child has one mother, not two).
    own_child = next(c for c in demo.children if c.institution.name == "Bøgely")
    Guardian.objects.filter(guardianships__child=own_child, guardianships__relation="mor").delete()
    parent = Guardian.objects.create(
        municipality=demo.municipality,
        public_id=demo.uuid(),
        name="Gitte Hansen",
        email="demo-foraelder@ishoj.example",
        phone="+45 40 00 00 01",
        user=demo.users["demo-foraelder"],
    )
    Guardianship.objects.create(
        municipality=demo.municipality, child=own_child, guardian=parent, relation="mor"
    )
    for index, child in enumerate(demo.children[:4]):
        for partner in ("demo-psykolog", "demo-talekonsulent"):
            if index == 0 and partner == "demo-talekonsulent":
                continue  # invited to the child's action plan only (partners.demo)
            PartnerInvitation.objects.create(
                municipality=demo.municipality,
                child=child,
                partner=demo.users[partner],
                invited_by=demo.users["demo-forvaltning"],
                reason="Konsultativt møde",
            )
