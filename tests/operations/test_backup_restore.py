"""backup_data and restore_data: a real proposal with a report file and an award letter is
backed up, restored into a new database on the same server and new folders, and comes back
row for row and byte for byte."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from events.models import ReportFile
from events.reports import add_report_files
from grants.letters import build_award_letter
from organisations import backups
from tests.events.test_reports import approved_event
from tests.factories import PAST_YEAR, MembershipFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECEIPT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def new_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def funded_event_with_files(media_root):
    """An approved proposal with a receipt uploaded to its report, its award letter built by
    the worker's service, and a public upload in MEDIA_ROOT."""
    member = MembershipFactory()
    proposal, _manager = approved_event(member.organisation)
    upload = SimpleUploadedFile("invoice.pdf", RECEIPT, content_type="application/pdf")
    after_start = proposal.starts_at + dt.timedelta(hours=3)
    [receipt] = add_report_files(
        proposal, actor=member.user, kind="receipt", files=[upload], now=after_start
    )
    letter = build_award_letter(proposal.grant.pk)
    default_storage.save(f"library/{PAST_YEAR}/guide.txt", ContentFile(b"A public guide.\n"))
    return receipt, letter


def rows_digest(name: str) -> dict[str, tuple[int, str]]:
    """Per table: its row count and an MD5 of all its rows as text, in a stable order."""
    query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                    " FROM {} AS t")  # fmt: skip
    with backups.connect(name) as conn:
        tables = backups.table_counts(conn)
        return {t: conn.execute(query.format(sql.Identifier(t))).fetchone() for t in tables}


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_backup_restores_into_a_new_database_and_folders_identically(
    funded_event_with_files, new_database, media_root, private_storage, tmp_path
):
    receipt, letter = funded_event_with_files
    target, restored = tmp_path / "backup", tmp_path / "restored"

    call_command("backup_data", str(target))
    call_command(
        "restore_data", str(target), database_name=new_database,
        media_root=restored / "media", private_root=restored / "private",
    )  # fmt: skip

    original = rows_digest(connection.settings_dict["NAME"])
    assert original["events_reportfile"][0] == 1 and original["grants_awardletter"][0] == 1
    assert rows_digest(new_database) == original
    assert files_of(restored / "private") == files_of(private_storage)
    assert files_of(restored / "media") == files_of(media_root)
    assert (restored / "private" / receipt.file.name).read_bytes() == RECEIPT
    pdf = (restored / "private" / letter.file.name).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf == letter.file.open("rb").read()
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["database"]["tables"]["events_reportfile"] == 1
    assert f"private/{letter.file.name}" in manifest["files"]


def test_restore_refuses_a_database_that_is_not_empty(funded_event_with_files, tmp_path):
    call_command("backup_data", str(tmp_path / "backup"))

    with pytest.raises(CommandError, match="is not empty: restore into a new one"):
        call_command(
            "restore_data", str(tmp_path / "backup"),
            media_root=tmp_path / "m", private_root=tmp_path / "p",
        )  # fmt: skip
    assert ReportFile.objects.count() == 1  # the site's own data is untouched


def test_restore_refuses_a_damaged_dump(funded_event_with_files, new_database, tmp_path):
    call_command("backup_data", str(tmp_path / "backup"))
    with (tmp_path / "backup" / "database.dump").open("ab") as dump:
        dump.write(b"x")

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore_data", str(tmp_path / "backup"), database_name=new_database)
    with backups.connect(new_database) as conn:
        assert backups.table_counts(conn) == {}


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("an earlier backup")

    with pytest.raises(CommandError, match="is not empty: give a new folder"):
        call_command("backup_data", str(tmp_path))


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_backup_says_clearly_that_sqlite_is_not_supported(settings, tmp_path):
    settings.DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}
    }

    with pytest.raises(CommandError, match="PostgreSQL only, and this site runs on SQLite"):
        call_command("backup_data", str(tmp_path / "backup"))
    assert not (tmp_path / "backup").exists()
