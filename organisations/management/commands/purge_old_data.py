"""Apply the retention rules now: ``manage.py purge_old_data [--days N]``."""

from django.core.management.base import BaseCommand

from organisations.privacy import purge_old_data


class Command(BaseCommand):
    help = "Remove drafts and personal data of editions whose events ended RETENTION_DAYS ago."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override RETENTION_DAYS for this run."
        )

    def handle(self, *args, days=None, **options):
        counts = purge_old_data(days=days)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
