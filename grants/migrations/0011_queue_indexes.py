"""An index for the partner's review queue (grants.selectors.queue_for, grants/views.py queue).

The queue reads, for the programmes a person sees (by id), every proposal's id and status in the
default order (submitted first). This index holds all of that: PostgreSQL answers from the index
alone, without visiting the table's rows scattered over thousands of pages. The table is
``events_proposal``, but the query is the dashboard's, so the index lives with it here, in SQL
(PostgreSQL only: ``INCLUDE``), outside the models' state.
"""

from django.db import migrations

INDEX = "grants_queue_programme_submitted"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_proposal "
            "(country_programme_id, submitted_at, id) INCLUDE (status)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_verbose_names"),
        ("grants", "0010_verbose_names"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
