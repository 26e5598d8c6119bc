import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inklusio.core.demo import DEMO_SLUG, DemoContext
from inklusio.core.plugins import app_modules
from inklusio.organisation.models import Municipality


class Command(BaseCommand):
    help = "Load the demo municipality (Ishøj) with invented children and one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any municipality exists."
        )

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if not settings.DEMO_LOGINS_ENABLED:
            raise CommandError("The demo is not loaded in production (INKLUSIO_ENV=production).")
        if if_empty and Municipality.objects.exists():
            self.stdout.write("Database already has data; demo not loaded.")
            return
        if Municipality.objects.filter(slug=DEMO_SLUG).exists():
            raise CommandError("The demo municipality already exists.")
        with transaction.atomic():
            municipality = Municipality.objects.create(name="Ishøj Kommune", slug=DEMO_SLUG)
            demo = DemoContext(
                rng=random.Random(seed),  # noqa: S311 - invented demo data, not secrets
                municipality=municipality,
                today=timezone.localdate(),
            )
            for _label, module in app_modules("demo"):
                module.build(demo)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(demo.institutions)} institutions, {len(demo.children)} children, "
                f"{len(demo.users)} users. Password for all demo-* users: see README."
            )
        )
