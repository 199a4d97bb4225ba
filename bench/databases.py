"""A throwaway database for a benchmark that builds its own data (no Django imports here: it runs
before django.setup(), so that Django connects to the new database)."""

import os
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit


def throwaway_database(suffix: str) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh database named after it plus ``_<suffix>`` (or a temporary
    SQLite file); return its URL and a function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        path = tempfile.mkstemp(suffix=".sqlite3", prefix=f"{suffix}-")[1]
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return os.environ["DATABASE_URL"], lambda: os.unlink(path)

    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    admin_url = parts._replace(path="/postgres").geturl()

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    return os.environ["DATABASE_URL"], lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
