"""A trigger that refuses a grant above its country programme's max grant.

A CHECK constraint cannot look at another table, so the database enforces this rule with a
trigger, written for PostgreSQL (production, tests) and SQLite (the local demo).
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION grants_grant_within_country_max() RETURNS trigger AS $$
BEGIN
    IF NEW.amount > (SELECT max_grant FROM grants_countryprogramme
                     WHERE id = NEW.country_programme_id) THEN
        RAISE EXCEPTION 'grant amount % exceeds the country programme maximum', NEW.amount
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER grant_within_country_max
    BEFORE INSERT OR UPDATE OF amount, country_programme_id ON grants_grant
    FOR EACH ROW EXECUTE FUNCTION grants_grant_within_country_max();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS grant_within_country_max ON grants_grant;
DROP FUNCTION IF EXISTS grants_grant_within_country_max();
"""
SQLITE_CHECK = (
    "WHEN NEW.amount > (SELECT max_grant FROM grants_countryprogramme"
    " WHERE id = NEW.country_programme_id)"
    " BEGIN SELECT RAISE(ABORT, 'grant amount exceeds the country programme maximum'); END;"
)
SQLITE_CREATE = [
    f"CREATE TRIGGER grant_within_country_max_insert BEFORE INSERT ON grants_grant {SQLITE_CHECK}",
    "CREATE TRIGGER grant_within_country_max_update"
    f" BEFORE UPDATE OF amount, country_programme_id ON grants_grant {SQLITE_CHECK}",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS grant_within_country_max_insert",
    "DROP TRIGGER IF EXISTS grant_within_country_max_update",
]


def _run(schema_editor, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    statements = [postgres] if vendor == "postgresql" else sqlite if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)  # the SQL holds a literal %


def create(apps, schema_editor):
    _run(schema_editor, POSTGRES_CREATE, SQLITE_CREATE)


def drop(apps, schema_editor):
    _run(schema_editor, POSTGRES_DROP, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("grants", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
