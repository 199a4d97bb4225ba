"""Back up the database and both media folders: ``manage.py backup_data FOLDER``."""

from pathlib import Path

from django.core.management.base import BaseCommand

from organisations import backups


class Command(BaseCommand):
    help = (
        "Write a pg_dump (custom format), a tar of MEDIA_ROOT and PRIVATE_MEDIA_ROOT and a "
        "manifest of row counts and checksums into FOLDER (new or empty)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="Where to write the backup.")

    def handle(self, *args, folder: Path, **options):
        manifest = backups.backup(folder)
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"Backed up {rows} rows in {len(manifest['database']['tables'])} tables and "
            f"{len(manifest['files'])} files to {folder}"
        )
        for label, bucket in manifest["buckets"].items():
            self.stdout.write(f"The {label} files were read from the bucket {bucket}.")
