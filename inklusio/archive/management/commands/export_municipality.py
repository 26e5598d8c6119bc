"""`manage.py export_municipality --municipality ishoj FILE`: the municipality's archive
(docs/archive.md), the same as the administration's page makes, written to FILE."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from inklusio import access
from inklusio.archive.export import write_archive
from inklusio.audit.models import AuditAction
from inklusio.audit.services import audit_shown
from inklusio.children.models import Child
from inklusio.core.storage import private_storage
from inklusio.organisation.models import Municipality
from inklusio.people.models import Role, User


class Command(BaseCommand):
    help = "Skriv hele kommunens arkiv (alle poster og filer, CPR i klar tekst) til en ZIP-fil."

    def add_arguments(self, parser):
        parser.add_argument("file", help="den nye ZIP-fil (findes den, stopper kommandoen)")
        parser.add_argument("--municipality", required=True, help="kommunens slug eller navn")
        parser.add_argument(
            "--user",
            help="administratoren, udtrækket logges i navnet på (standard: kommunens første)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if path.exists():
            raise CommandError(_("Filen findes allerede: %(path)s") % {"path": path})
        place = Municipality.objects.filter(
            Q(slug=options["municipality"]) | Q(name=options["municipality"])
        ).first()
        if place is None:
            raise CommandError(_("Ukendt kommune: %(name)s") % {"name": options["municipality"]})
        actor = self._actor(place, options["user"])
        try:
            with path.open("xb") as out:
                manifest = write_archive(municipality=place, out=out, storage=private_storage)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        with transaction.atomic():
            audit_shown(
                actor=actor,
                obj=place,
                children=Child.objects.filter(municipality=place).only(
                    "public_id", "first_name", "last_name"
                ),
                action=AuditAction.EXPORT,
            )
        records = sum(m.get("records", 0) for m in manifest["members"].values())
        files = sum(1 for m in manifest["members"].values() if "bytes" in m)
        self.stdout.write(
            _(
                "Arkivet %(path)s: %(records)s poster og %(files)s filer. Det indeholder "
                "CPR-numre i klar tekst: opbevar det sikkert."
            )
            % {"path": path, "records": records, "files": files}
        )
        for name in manifest["missing_files"]:
            self.stderr.write(
                _("Filen %(name)s mangler i fillageret og er ikke med.") % {"name": name}
            )

    def _actor(self, place: Municipality, username: str | None) -> User:
        admins = User.objects.filter(municipality=place, role=Role.ADMINISTRATOR, is_active=True)
        if username:
            admins = admins.filter(username=username)
        actor = admins.order_by("username").first()
        if actor is None or not access.can_export_municipality(actor):
            raise CommandError(_("Kommunen har ingen aktiv administrator med det brugernavn."))
        return actor
