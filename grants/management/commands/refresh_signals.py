"""Compute every integrity signal again (grants.integrity): after an upgrade, after loading
data, or to catch up with changes made outside the app. Proposals of the current and future
editions by default; ``--all`` for every edition."""

from django.core.management.base import BaseCommand

from events.models import Proposal
from grants import integrity
from programmes.models import Edition


class Command(BaseCommand):
    help = "Compute the integrity signals of the proposals again."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every edition, not only current.")

    def handle(self, *args, **options):
        proposals = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        if not options["all"]:
            current = Edition.objects.current()
            if current is not None:
                proposals = proposals.filter(country_programme__edition__year__gte=current.year)
        ids = list(proposals.values_list("pk", flat=True))
        done = integrity.refresh(ids)
        self.stdout.write(f"Integrity signals computed for {done} proposals.")
