from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inklusio.audit.verify import verify_chains


class Command(BaseCommand):
    help = "Checks the seals of the audit trail: reports edited, removed and inserted entries."

    def handle(self, *args, **options):
        report = verify_chains()
        for chain in report.chains.values():
            self.stdout.write(
                _("Kæde %(chain)s: %(n)s poster, %(unsealed)s uden segl, seneste segl %(head)s")
                % {
                    "chain": chain.municipality_id if chain.municipality_id is not None else "-",
                    "n": chain.entries,
                    "unsealed": chain.unsealed,
                    "head": chain.head or "-",
                }
            )
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(
                _("Adgangsloggen er ikke intakt: %(n)s fejl.") % {"n": len(report.problems)}
            )
        self.stdout.write(_("Adgangsloggen er intakt."))
