"""Reads that may be a few seconds old, from a streaming replica (``DATABASE_REPLICA_URL``).

Only what a view marks with ``@replica_reads`` goes there: the public pages, the feeds, the
impact figures, the exports of past editions (docs/operations.md, *PostgreSQL replicas*).
Everything else reads the primary, and so does, even inside such a view:

- every write, and every read inside a transaction on the primary: each service function runs
  in one, so an approval's budget check and its row locks never see the replica's lagging copy;
- who is asking: the session and the user are read before the view begins;
- a view whose public data changed on the primary after the replica's last replayed position:
  each change of public data notes the primary's WAL position (``note_primary_position``, after
  its commit), and a view reads the replica only once the replica has replayed that far. So a
  kept page or feed, keyed by the version of that change, never holds the replica's older copy.

Without ``DATABASE_REPLICA_URL`` there is no ``replica`` database and nothing changes.
"""

import contextvars
import functools
import logging
import time
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import FileResponse

log = logging.getLogger(__name__)

REPLICA = "replica"
# Replayed up to the position? NULL on a server that is not a replica: it has it all.
REPLAYED = "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)"
POSITION_KEY = "replica:primary-position"  # the primary's WAL position at the last public change
_wanted = contextvars.ContextVar("replica_reads", default=False)
AWAY_SECONDS = 10.0
_away_until = 0.0


def configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """In DATABASE_ROUTERS when a replica is configured (settings.py)."""

    def db_for_read(self, model, **hints):
        if _wanted.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by itself


def note_primary_position() -> None:
    """Public data has just changed (called after the commit): remember how far the replica must
    have replayed to show it."""
    if configured():
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            # Where the next record goes: past our commit's record even before it is written
            # out (synchronous_commit off), which the replica cannot have replayed until then.
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            cache.set(POSITION_KEY, cursor.fetchone()[0], timeout=None)


def caught_up() -> bool:
    """Whether the replica has replayed the last public change (one query on the replica); a
    replica that does not answer has not (the primary answers instead)."""
    global _away_until  # noqa: PLW0603 (this process's memory of a replica that did not answer)
    if time.monotonic() < _away_until:
        return False
    needed = cache.get(POSITION_KEY) or "0/0"
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(REPLAYED, [needed])
            return cursor.fetchone()[0]
    except DatabaseError:
        # Left alone for a while: one request in AWAY_SECONDS waits for it, not every one.
        _away_until = time.monotonic() + AWAY_SECONDS
        log.warning("The replica does not answer: public pages read the primary", exc_info=True)
        return False


@contextmanager
def reading_replica():
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def _streamed(content):
    with reading_replica():
        yield from content


def from_replica(request, respond):
    """``respond()``'s answer, its reads from the replica: a page rendered later and an answer
    streamed later (a CSV export) too. A file's bytes need no database."""
    if not configured() or not caught_up():
        return respond()
    user = getattr(request, "user", None)
    if user is not None:
        user.is_authenticated  # noqa: B018 (reads the session and the user from the primary)
    with reading_replica():
        response = respond()
        if getattr(response, "is_rendered", True) is False:
            response.render()
    if response.streaming and not isinstance(response, FileResponse):
        response.streaming_content = _streamed(response.streaming_content)
    return response


def replica_reads(view):
    """The view's reads go to the replica (``from_replica``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return from_replica(request, lambda: view(request, *args, **kwargs))

    return wrapped
