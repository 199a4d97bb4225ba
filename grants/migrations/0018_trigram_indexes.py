"""pg_trgm and GIN trigram indexes on the proposals' title and description, for the "nearly
identical text" integrity signal (grants.integrity). PostgreSQL only: on SQLite (the demo) the
signal compares the texts exactly, and this migration does nothing."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "proposal_title_trgm": "title",
    "proposal_description_trgm": "description",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON events_proposal "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0017_integrity_signals"),
        ("events", "0011_texts_english"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
