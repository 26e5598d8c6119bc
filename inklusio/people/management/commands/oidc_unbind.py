from django.core.management.base import BaseCommand, CommandError

from inklusio.people.models import Role, User
from inklusio.people.services import user_unbind_oidc_subject


class Command(BaseCommand):
    help = (
        "Forget the identity provider's subject bound to accounts at their first single "
        "sign-on (docs/single-sign-on.md); each change is in the audit log under --by."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="the accounts to unbind")
        parser.add_argument("--all", action="store_true", help="every bound account")
        parser.add_argument(
            "--by", required=True, help="username of the administrator doing it (the log's actor)"
        )

    def handle(self, *args, usernames: list[str], all: bool, by: str, **options):
        actor = User.objects.filter(username=by, role=Role.ADMINISTRATOR, is_active=True).first()
        if actor is None:
            raise CommandError(f"--by {by}: no active administrator with that username.")
        if all == bool(usernames):
            raise CommandError("Name the accounts to unbind, or give --all (not both).")
        # An administrator unbinds the accounts of their own municipality only.
        users = User.objects.filter(municipality_id=actor.municipality_id)
        if all:
            users = users.filter(oidc_subject__isnull=False)
        else:
            users = users.filter(username__in=usernames)
            unknown = sorted(set(usernames) - set(users.values_list("username", flat=True)))
            if unknown:
                raise CommandError(f"No such user in {by}'s municipality: {', '.join(unknown)}")
        count = 0
        for user in users.order_by("username"):
            if user.oidc_subject is not None:
                user_unbind_oidc_subject(actor=actor, user=user)
                count += 1
        self.stdout.write(self.style.SUCCESS(f"Unbound {count} account(s)."))
