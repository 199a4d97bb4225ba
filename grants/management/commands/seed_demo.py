"""manage.py seed_demo: realistic demo data for the 2024 edition, and large sets for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.demo import data
from grants.demo.builder import (
    DemoBuilder,
    Progress,
    delete_demo_data,
    demo_data_exists,
    model_counts,
    reserved_mismatches,
)
from grants.demo.planner import Planner

DEFAULT_PROPOSALS = 1700  # the size of the real 2024 edition


class Command(BaseCommand):
    help = gettext_lazy(
        "Fill the database with the 2024 edition in its 13 countries: partners, organisations, "
        "proposals in every state, grants, events on the map and reports. Deterministic; does "
        "nothing when the demo data is already there (use --reset to build it again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--proposals",
            type=int,
            default=DEFAULT_PROPOSALS,
            help=gettext_lazy("How many proposals (default %(default)s; 100000 for benchmarks)."),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy("Delete the demo data first, then build it again."),
        )

    def handle(self, *args, proposals: int, reset: bool, **options):
        if proposals < len(data.DEMO_APPLICANT_PROPOSALS):
            raise CommandError(
                _("Ask for at least %(n)d proposals.") % {"n": len(data.DEMO_APPLICANT_PROPOSALS)}
            )
        if not reset and demo_data_exists():
            self.stdout.write(
                _(
                    "The demo data is already there (edition %(code)s or %(domain)s accounts): "
                    "nothing to do. Run with --reset to delete it and build it again."
                )
                % {"code": data.EDITION["code"], "domain": data.DEMO_DOMAIN}
            )
            self._print_logins()
            return
        started = time.monotonic()
        progress = Progress(self.stdout.write)
        with transaction.atomic():
            if reset:
                self.stdout.write(_("Deleting the demo data..."))
                delete_demo_data(progress)
            self.stdout.write(_("Planning %(n)s proposals...") % {"n": f"{proposals:,}"})
            with progress.step(_("plan (in memory)")) as counter:
                plan = Planner(proposals).plan()
                counter["rows"] = len(plan.proposals)
            self.stdout.write(_("Writing..."))
            DemoBuilder(plan, progress).build()
            self._check()
        self._summary(time.monotonic() - started)
        self._print_logins()

    def _check(self) -> None:
        mismatched = reserved_mismatches()
        if mismatched:  # a bug in the planner: roll the whole build back
            raise CommandError(
                _("Reserved sums do not match the grants in: %(codes)s")
                % {"codes": ", ".join(mismatched)}
            )

    def _summary(self, seconds: float) -> None:
        self.stdout.write(self.style.SUCCESS(_("Demo data built in %(s).1f s.") % {"s": seconds}))
        for label, count in model_counts().items():
            self.stdout.write(f"  {label:<40} {count:>9,}")

    def _print_logins(self) -> None:
        self.stdout.write(
            _("Demo logins (password %(password)s; they work only while DEBUG is on):")
            % {"password": settings.DEMO_PASSWORD}
        )
        roles = {
            "applicant": _("applicant, owner of a Luxembourg organisation"),
            "reviewer": _("reviewer at SOCIALware (Luxembourg, Belgium)"),
            "manager": _("manager at SOCIALware (Luxembourg, Belgium)"),
            "programme": _("programme staff, Django admin at /admin/"),
        }
        for role, email in data.DEMO_LOGINS.items():
            self.stdout.write(f"  {email:<36} {roles[role]}")
