"""Backups of the database and of both media folders, and their restore (docs/operations.md).

A backup folder holds ``database.dump`` (pg_dump, custom format), ``files.tar`` (the public
and the private media folders) and ``manifest.json``: the row count of every table, as of the
dump's own snapshot, and the SHA-256 of the two archives and of every file. A restore checks the
archives against it first and the restored rows and files after.
"""

# subprocess: pg_dump and pg_restore only, with argument lists and no shell (nosec below).
import hashlib
import io
import json
import os
import re
import shutil
import subprocess  # nosec B404
import tarfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.utils import timezone
from psycopg import sql

DUMP, FILES, MANIFEST = "database.dump", "files.tar", "manifest.json"
# What libpq's tools read from the environment, from Django's database settings.
LIBPQ_ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}


STORAGE_LABELS = {"media": "default", "private": "private"}


def _on_disk(alias: str) -> bool:
    return isinstance(storages[alias], FileSystemStorage)


def media_folders() -> dict[str, Path]:
    """The folders to keep: public uploads (MEDIA_ROOT) and private files (award letters,
    report files; PRIVATE_MEDIA_ROOT), as the storages use them; none for a storage in object
    storage (``buckets``)."""
    return {
        label: Path(storages[alias].location)
        for label, alias in STORAGE_LABELS.items()
        if _on_disk(alias)
    }


def buckets() -> dict[str, str]:
    """The storages kept in object storage (S3_*_BUCKET), by label: their bucket's name."""
    return {
        label: storages[alias].bucket_name
        for label, alias in STORAGE_LABELS.items()
        if not _on_disk(alias)
    }


def _stored_names(storage, prefix: str = ""):
    folders, files = storage.listdir(prefix)
    for name in files:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from _stored_names(storage, f"{prefix}{folder}/")


def _add_bucket(archive: tarfile.TarFile, label: str) -> dict[str, str]:
    """Every object of the label's bucket into the archive, as its folder would be (files are at
    most 20 MB: read whole); returns their checksums."""
    storage, checksums = storages[STORAGE_LABELS[label]], {}
    for name in sorted(_stored_names(storage)):
        with storage.open(name, "rb") as stored:
            data = stored.read()
        member = tarfile.TarInfo(f"{label}/{name}")
        member.size, member.mtime = len(data), int(timezone.now().timestamp())
        archive.addfile(member, io.BytesIO(data))
        checksums[member.name] = hashlib.sha256(data).hexdigest()
    return checksums


def database_settings() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError(
            "backup_data and restore_data work with PostgreSQL only, and this site runs on "
            "SQLite (DATABASE_URL is not set). Stop the app and copy var/db.sqlite3, "
            "var/media and var/private instead."
        )
    return database


def _libpq_values() -> dict[str, str]:
    """Host, port, user, password (and sslmode, if DATABASE_URL sets it) as libpq's variables."""
    database = database_settings()
    values = {var: str(database[key]) for key, var in LIBPQ_ENV.items() if database.get(key)}
    if database.get("OPTIONS", {}).get("sslmode"):
        values["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return values


def connect(name: str | None = None) -> psycopg.Connection:
    """A connection of its own (not Django's pooled one) to ``name`` or the site's database."""
    params = {var.removeprefix("PG").lower(): value for var, value in _libpq_values().items()}
    return psycopg.connect(dbname=name or database_settings()["NAME"], **params)


def _env(name: str) -> dict:
    return {**os.environ, **_libpq_values(), "PGDATABASE": name}


def tool(name: str, conn: psycopg.Connection) -> str:
    """pg_dump or pg_restore of the server's major version (Debian keeps each version in
    /usr/lib/postgresql/<major>/bin); PG_BIN_DIR names another folder. An older tool cannot
    read a newer server, so it is refused."""
    major = conn.info.server_version // 10000
    folders = [os.environ.get("PG_BIN_DIR", ""), f"/usr/lib/postgresql/{major}/bin"]
    found = [str(Path(f, name)) for f in folders if f and Path(f, name).is_file()]
    path = found[0] if found else shutil.which(name)
    if path is None:
        raise CommandError(f"{name} not found: install postgresql-client-{major}.")
    # The path tool() found; an argument list, no shell: nothing untrusted reaches it.
    version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout  # noqa: S603  # nosec B603
    tool_major = int(re.search(r"\d+", version).group())
    if tool_major < major:
        raise CommandError(
            f"{path} is PostgreSQL {tool_major}, the server is {major}: install "
            f"postgresql-client-{major} or set PG_BIN_DIR to its bin folder."
        )
    return path


def _run(command: list[str], *, name: str) -> None:
    # A PostgreSQL tool found by tool(), with arguments from settings: no untrusted input.
    done = subprocess.run(command, env=_env(name), capture_output=True, text=True)  # noqa: S603  # nosec B603
    if done.returncode:
        raise CommandError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    query = sql.SQL("SELECT count(*) FROM {}")
    return {t: conn.execute(query.format(sql.Identifier(t))).fetchone()[0] for (t,) in tables}


def file_checksums(folders: dict[str, Path]) -> dict[str, str]:
    return {
        f"{label}/{path.relative_to(root).as_posix()}": sha256(path)
        for label, root in folders.items()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def backup(target: Path) -> dict:
    """Dump the database, then pack both media folders (so the files cover every row the dump
    names), into the empty folder ``target``. Returns the manifest it wrote."""
    name = database_settings()["NAME"]
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise CommandError(f"{target} is not empty: give a new folder for each backup.")
    with connect() as conn:
        # Counts and dump read one snapshot, so the counts are exactly the dump's rows.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = table_counts(conn)
        dump = [tool("pg_dump", conn), "--format=custom", f"--snapshot={snapshot}"]
        _run([*dump, f"--file={target / DUMP}", name], name=name)
        server_version = conn.info.server_version
    folders, in_buckets = media_folders(), {}
    with tarfile.open(target / FILES, "w") as archive:  # photos and PDFs are compressed
        for label, root in folders.items():
            if root.is_dir():
                archive.add(root, arcname=label)
        for label in buckets():
            in_buckets |= _add_bucket(archive, label)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": {"name": name, "server_version": server_version, "tables": counts},
        "archives": {DUMP: sha256(target / DUMP), FILES: sha256(target / FILES)},
        "files": file_checksums(folders) | in_buckets,
        "buckets": buckets(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def _check_empty(name: str, folders: dict[str, Path]) -> None:
    with connect(name) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        if tables.fetchone()[0]:
            raise CommandError(f"Database {name} is not empty: restore into a new one (createdb).")
    for root in folders.values():
        if root.exists() and any(root.iterdir()):
            raise CommandError(f"{root} is not empty: restore into a new or empty folder.")


def restore(source: Path, *, name: str, folders: dict[str, Path]) -> dict:
    """Restore a backup folder into the empty database ``name`` and the empty ``folders``, then
    check the rows and files against the manifest. Returns the manifest."""
    if not (source / MANIFEST).is_file():
        raise CommandError(f"{source} holds no {MANIFEST}: it is not a backup_data folder.")
    manifest = json.loads((source / MANIFEST).read_text())
    for archive, checksum in manifest["archives"].items():
        if sha256(source / archive) != checksum:
            raise CommandError(f"{source / archive} does not match its checksum: it is damaged.")
    _check_empty(name, folders)
    with connect(name) as conn:
        restore_tool = tool("pg_restore", conn)
    _run([restore_tool, "--no-owner", "--exit-on-error", f"--dbname={name}", str(source / DUMP)],
         name=name)  # fmt: skip
    with tarfile.open(source / FILES) as archive:
        for label, root in folders.items():
            inside = [m for m in archive.getmembers() if m.name.startswith(f"{label}/")]
            moved = [m.replace(name=m.name.removeprefix(f"{label}/")) for m in inside]
            archive.extractall(root, members=moved, filter="data")
    _verify(manifest, name=name, folders=folders)
    return manifest


def _verify(manifest: dict, *, name: str, folders: dict[str, Path]) -> None:
    with connect(name) as conn:
        counts = table_counts(conn)
    wrong = [t for t, n in manifest["database"]["tables"].items() if counts.get(t) != n]
    files = file_checksums(folders)
    wrong += [path for path, checksum in manifest["files"].items() if files.get(path) != checksum]
    if wrong:
        raise CommandError(f"The restore differs from the backup in: {', '.join(wrong[:20])}")
