from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from inklusio.audit.verify import verify_chains


class Command(BaseCommand):
    help = (
        "Checks the seals of the audit trail: reports edited, removed and inserted entries. "
        "Reads the entries after each chain's last checkpoint (and checks the count before "
        "it); --full reads every entry. Each chain found intact gets a new checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="check every entry, not only those after the last checkpoint (e.g. weekly)",
        )

    def handle(self, *args, full=False, **options):
        report = verify_chains(full=full, record=True)
        for chain in report.chains.values():
            self.stdout.write(
                _(
                    "Kæde %(chain)s: %(n)s poster (%(checked)s kontrolleret nu), "
                    "%(unsealed)s uden segl, seneste segl %(head)s"
                )
                % {
                    "chain": chain.municipality_id if chain.municipality_id is not None else "-",
                    "n": chain.entries,
                    "checked": chain.checked,
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
