from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from inklusio.audit.roles import configure_roles


class Command(BaseCommand):
    help = (
        "PostgreSQL: creates/configures the owner role (owns the tables, runs migrations) and "
        "the application role (INSERT and SELECT only on the audit tables). Run as a "
        "superuser after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="inklusio_owner")
        parser.add_argument("--app", default="inklusio_app")

    def handle(self, *args, owner, app, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        if owner == app:
            raise CommandError("The owner and the application role must differ.")
        with transaction.atomic(), connection.cursor() as cursor:
            configure_roles(cursor, owner=owner, app=app)
        self.stdout.write(f"Roles configured: owner {owner}, application {app}.")
