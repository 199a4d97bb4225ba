"""Restore a backup into an empty database and empty folders: ``manage.py restore_data FOLDER``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations import backups


class Command(BaseCommand):
    help = (
        "Restore a backup_data FOLDER into an empty database and empty media folders, then "
        "check every table's row count and every file's checksum against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A folder written by backup_data.")
        parser.add_argument(
            "--database-name", help="Restore into this database (default: the site's own)."
        )
        parser.add_argument("--media-root", type=Path, help="Default: MEDIA_ROOT.")
        parser.add_argument("--private-root", type=Path, help="Default: PRIVATE_MEDIA_ROOT.")

    def handle(self, *args, folder: Path, database_name=None, media_root=None, private_root=None,
               **options):  # fmt: skip
        folders = backups.media_folders()
        given = {"media": media_root, "private": private_root}
        folders |= {label: folder for label, folder in given.items() if folder}
        missing = [label for label in backups.STORAGE_LABELS if label not in folders]
        if missing:
            raise CommandError(
                f"The {' and '.join(missing)} files are kept in object storage "
                f"({', '.join(backups.buckets()[label] for label in missing)}): restore them into "
                "empty folders with --media-root and --private-root, then copy each folder into "
                "its bucket (for example aws s3 sync FOLDER s3://BUCKET). docs/operations.md."
            )
        name = database_name or backups.database_settings()["NAME"]
        manifest = backups.restore(folder, name=name, folders=folders)
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"Restored {rows} rows and {len(manifest['files'])} files into {name}, "
            f"{folders['media']} and {folders['private']}; all match the manifest."
        )
