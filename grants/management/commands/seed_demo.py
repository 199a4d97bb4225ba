"""manage.py seed_demo: realistic demo data around the day it runs; large sets for benchmarks."""

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Proposal
from grants import integrity
from grants.demo import data
from grants.demo import questions as demo_questions
from grants.demo.builder import (
    DemoBuilder,
    Progress,
    built_for,
    delete_demo_data,
    demo_data_exists,
    model_counts,
    reserved_mismatches,
)
from grants.demo.planner import Planner
from organisations.models import Organisation
from programmes.models import Edition


def _planted_examples() -> Q:
    """The proposals of the organisations sharing a bank account, and those with the same
    description as one of theirs (grants.demo.planner._integrity_examples plants both)."""
    shared = Organisation.objects.filter(iban=OuterRef("iban")).exclude(pk=OuterRef("pk"))
    pair = Organisation.objects.filter(iban__gt="").filter(Exists(shared)).values("pk")
    texts = Proposal.objects.filter(organisation__in=pair).values("description")
    return Q(organisation__in=pair) | Q(description__in=texts)


class Command(BaseCommand):
    help = gettext_lazy(
        "Fill the database with three editions of the programme around today in its 13 "
        "countries: the one whose call is open and the two before, with partners, organisations, "
        "proposals in every state, grants, events on the map and reports. Deterministic for a "
        "given day; does nothing when the demo data is already there (use --reset to build it "
        "again)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--proposals",
            type=int,
            default=None,
            help=gettext_lazy(
                "How many proposals in all editions (default: as many as the day implies, about "
                "2,300 to 3,300; 100000 for benchmarks)."
            ),
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help=gettext_lazy(
                "Build the demo as it stands on this day, YYYY-MM-DD (default: today)."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy("Delete the demo data first, then build it again."),
        )

    def handle(self, *args, proposals: int | None, today: date | None, reset: bool, **options):
        today = today or timezone.localdate()
        least = len(data.DEMO_APPLICANT_PROPOSALS)
        if proposals is not None and proposals < least:
            raise CommandError(_("Ask for at least %(n)d proposals.") % {"n": least})
        if not reset and demo_data_exists():
            self._already_there(today)
            return
        started = time.monotonic()
        progress = Progress(self.stdout.write)
        with transaction.atomic():
            if reset:
                self.stdout.write(_("Deleting the demo data..."))
                delete_demo_data(progress)
            plan = self._plan(proposals, today, progress)
            self._check_years(plan)
            self.stdout.write(_("Writing..."))
            DemoBuilder(plan, progress).build()
            with progress.step(_("extra questions and answers")) as counter:
                current = Edition.objects.current()
                counter["rows"] = demo_questions.build(current) if current else 0
            with progress.step(_("integrity signals")) as counter:
                counter["rows"] = self._signals(sized=proposals is not None)
            self._check()
        self._summary(time.monotonic() - started)
        self._print_logins()

    def _signals(self, sized: bool) -> int:
        """The integrity signals of the current edition's proposals (grants.integrity).

        ``sized`` (``--proposals``, the benchmark's sizes): only the planted examples', the
        proposals of organisations sharing a bank account and those whose description another
        organisation sent too. The generated texts are alike: comparing each with every other
        proposal takes minutes at 10,000 proposals and hours at 100,000."""
        current = Edition.objects.current()
        proposals = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        if current is not None:
            proposals = proposals.filter(country_programme__edition=current)
        if sized:
            proposals = proposals.filter(_planted_examples())
        if connection.vendor == "postgresql":
            # The rows were written in this transaction: without statistics PostgreSQL compares
            # every text with every proposal instead of asking the trigram indexes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE events_proposal")
        return integrity.refresh(list(proposals.values_list("pk", flat=True)))

    def _plan(self, proposals: int | None, today: date, progress: Progress):
        planner = Planner(proposals, today)
        self.stdout.write(
            _("Planning %(n)s proposals as on %(day)s...")
            % {"n": f"{planner.target:,}", "day": today.isoformat()}
        )
        with progress.step(_("plan (in memory)")) as counter:
            plan = planner.plan()
            counter["rows"] = len(plan.proposals)
        return plan

    def _already_there(self, today: date) -> None:
        self.stdout.write(
            _(
                "The demo data is already there (%(domain)s accounts): nothing to do. Run with "
                "--reset to delete it and build it again."
            )
            % {"domain": data.DEMO_DOMAIN}
        )
        day = built_for()
        if day and day < today:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The demo data was built for %(day)s; to bring it to today, run: "
                        "manage.py seed_demo --reset"
                    )
                    % {"day": day.isoformat()}
                )
            )
        self._print_logins()

    def _check_years(self, plan) -> None:
        years = [edition.fields["year"] for edition in plan.editions]
        taken = Edition.objects.filter(year__in=years).values_list("code", flat=True)
        if taken:
            raise CommandError(
                _(
                    "Editions that are not demo data already hold the years the demo needs "
                    "(%(codes)s): use another database for the demo."
                )
                % {"codes": ", ".join(taken)}
            )

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
