"""The cast of the test stories.

Ishøj: alice (administrator), cora (corps leader), bob (pedagogue at Bøgely), carl (leader at
Elverhøj), sara (staff at Bøgely), pia (psychologist invited to Mia's case), gert (Mia's father).
Dragør: dora (administrator). Mia goes to Bøgely, Emil to Elverhøj, Dragør's Xenia to Søstjernen.
"""

import datetime
import os
from dataclasses import dataclass

import pytest

from inklusio.children.models import Child, Guardian, Guardianship, PartnerInvitation
from inklusio.organisation.models import Institution, Municipality, ResourceGroup, Room
from inklusio.people.models import PedagogueAttachment, Profession, Role, User
from inklusio.planning.models import Contract, WeeklyPlan

PASSWORD = "test-password-42"


@dataclass
class Cast:
    ishoj: Municipality
    dragoer: Municipality
    boegely: Institution
    elverhoej: Institution
    soestjernen: Institution
    group_boegely: ResourceGroup
    group_dragoer: ResourceGroup
    alice: User
    cora: User
    bob: User
    carl: User
    sara: User
    pia: User
    gert: User
    dora: User
    mia: Child
    emil: Child
    xenia: Child
    plan: WeeklyPlan
    contract_bob: Contract

    @property
    def ishoj_users(self) -> list[User]:
        return [self.alice, self.cora, self.bob, self.carl, self.sara, self.pia, self.gert]

    @property
    def users(self) -> list[User]:
        return [*self.ishoj_users, self.dora]


def make_user(username, municipality, role, **extra) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Testesen",
        municipality=municipality,
        role=role,
        **extra,
    )


def make_child(municipality, institution, first_name, cpr, **extra) -> Child:
    from stdnum.dk import cpr as cpr_number

    return Child.objects.create(
        municipality=municipality,
        institution=institution,
        first_name=first_name,
        last_name="Testesen",
        cpr=cpr,
        birth_date=cpr_number.get_birth_date(cpr),
        **extra,
    )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(db) -> Cast:
    ishoj = Municipality.objects.create(name="Ishøj Kommune", slug="ishoj")
    dragoer = Municipality.objects.create(name="Dragør Kommune", slug="dragoer")
    boegely = Institution.objects.create(
        municipality=ishoj, name="Bøgely", kind=Institution.Kind.INTEGRATED, size=120
    )
    elverhoej = Institution.objects.create(
        municipality=ishoj, name="Elverhøj", kind=Institution.Kind.KINDERGARTEN, size=80
    )
    soestjernen = Institution.objects.create(
        municipality=dragoer, name="Søstjernen", kind=Institution.Kind.NURSERY, size=40
    )
    Room.objects.create(municipality=ishoj, institution=boegely, name="Solsikken")
    group_boegely = ResourceGroup.objects.create(
        municipality=ishoj,
        institution=boegely,
        name="Ressourcegruppen Bøgely",
        kind=ResourceGroup.Kind.RESOURCE_GROUP,
        places=6,
    )
    group_dragoer = ResourceGroup.objects.create(
        municipality=dragoer,
        institution=soestjernen,
        name="Minigruppen Søstjernen",
        kind=ResourceGroup.Kind.MINI_GROUP,
        places=5,
    )
    alice = make_user("alice", ishoj, Role.ADMINISTRATOR)
    cora = make_user("cora", ishoj, Role.CORPS_LEADER)
    bob = make_user("bob", ishoj, Role.PEDAGOGUE)
    PedagogueAttachment.objects.create(
        municipality=ishoj,
        pedagogue=bob,
        institution=boegely,
        function=PedagogueAttachment.Function.RESOURCE,
    )
    carl = make_user("carl", ishoj, Role.INSTITUTION_LEADER, institution=elverhoej)
    sara = make_user("sara", ishoj, Role.STAFF, institution=boegely)
    pia = make_user("pia", ishoj, Role.PARTNER, profession=Profession.PSYCHOLOGIST)
    gert = make_user("gert", ishoj, Role.GUARDIAN)
    dora = make_user("dora", dragoer, Role.ADMINISTRATOR)
    mia = make_child(ishoj, boegely, "Mia", "1503224123", resource_group=group_boegely)
    emil = make_child(ishoj, elverhoej, "Emil", "0201234567")
    xenia = make_child(dragoer, soestjernen, "Xenia", "1107214321")
    father = Guardian.objects.create(municipality=ishoj, name="Gert Testesen", user=gert)
    Guardianship.objects.create(municipality=ishoj, child=mia, guardian=father, relation="far")
    PartnerInvitation.objects.create(
        municipality=ishoj, child=mia, partner=pia, invited_by=alice, reason="Konsultativt møde"
    )
    plan = WeeklyPlan.objects.create(
        municipality=ishoj, week_start=datetime.date(2026, 11, 30), created_by=cora
    )
    contract_bob = Contract.objects.create(municipality=ishoj, pedagogue=bob)
    return Cast(
        plan=plan,
        contract_bob=contract_bob,
        ishoj=ishoj,
        dragoer=dragoer,
        boegely=boegely,
        elverhoej=elverhoej,
        soestjernen=soestjernen,
        group_boegely=group_boegely,
        group_dragoer=group_dragoer,
        alice=alice,
        cora=cora,
        bob=bob,
        carl=carl,
        sara=sara,
        pia=pia,
        gert=gert,
        dora=dora,
        mia=mia,
        emil=emil,
        xenia=xenia,
    )


@pytest.fixture
def client_for(client):
    """`client_for(user)` gives a test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(request):
    """Screenshots go under test-results/<test name>/ for people to look at."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "test-results" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
