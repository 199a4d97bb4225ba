"""A page's body rendered once and kept until a row it shows changes (issue 19).

A page that shows many kinds of data (the partner's proposal page, the applicant's proposal
form) spends most of its time reading and rendering them, while most requests show what the
last one did. Such a page keeps its body in the cache under a key made of:

- **the versions of the rows it shows**: one query (PostgreSQL, written by the page) hashes
  each row's ``xmin`` (the transaction that wrote it) and ``ctid`` (where this version of the
  row lies; a row updated twice in one transaction moves each time). Any write, by a service,
  the admin, a migration or a cascade, changes the hash: there is no invalidation to forget.
  Each page's tests render its body and fail when it reads a table the query does not cover;
- **what the body depends on besides rows**, given by the page: what the person may do and see,
  with the language, the time zone and today's date always.

The hash is read before anything the body shows, so a body is never older than its key (a
write committed in between gives a body newer than its key, which no later request asks for).

What belongs to the request, the CSRF token of the body's forms and anything the page names,
is written in at each request in place of marks no one can type (they derive from the secret
key). Without PostgreSQL (the SQLite of ``make run``) the body is rendered on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

#: how long a body is kept at most (its key changes with every write before that)
KEPT_SECONDS = 600


class KeptBodies:
    """The bodies of one page: ``template`` rendered, kept under ``versions`` (SQL giving one
    hash, of named parameters) and the page's other key parts."""

    def __init__(self, name: str, template: str, versions: str, *, marks: Iterable[str] = ()):
        self.name = name
        self.template = template
        self.versions_sql = versions
        #: the names of the parts written in per request (besides the CSRF token)
        self.marks = tuple(marks)

    def versions(self, **params) -> str | None:
        """The hash of the versions of the rows the body shows, or None without PostgreSQL.
        Ask it before reading any of them."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(self.versions_sql, params)
            return cursor.fetchone()[0]

    def body(
        self, request, version: str | None, parts: Iterable[object], context: Callable[[], dict]
    ) -> str:
        """The body kept under ``version`` and ``parts``, or rendered with ``context()`` (with
        the marks in place of the request's own parts; ``filled`` writes them in)."""
        key = self._key(version, parts) if version else None
        kept = cache.get(key) if key else None
        if kept is None:
            marks = {name: mark(name) for name in self.marks}
            kept = render_to_string(
                self.template, {**context(), **marks, "csrf_token": mark("csrf_token")}, request
            )
            if key:
                cache.set(key, kept, KEPT_SECONDS)
        return kept

    def _key(self, version: str, parts: Iterable[object]) -> str:
        every = [
            version,
            get_language() or "",
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            *map(str, parts),
        ]
        digest = hashlib.sha256("\x1f".join(every).encode()).hexdigest()
        return f"kept-body:{self.name}:{digest}"


def filled(body: str, request, **parts: str) -> SafeString:
    """``body`` with this request's CSRF token and ``parts`` (HTML, by mark name) written in."""
    body = body.replace(mark("csrf_token"), get_token(request))
    for name, html in parts.items():
        body = body.replace(mark(name), html)
    # the body was rendered (and escaped) by our templates, the parts too; the token is ours
    return mark_safe(body)  # noqa: S308  # nosec B308 B703


def mark(name: str) -> str:
    """A word no one can put on a page: derived from the secret key."""
    digest = salted_hmac("meetandcode.kernel.kept_bodies", name, algorithm="sha256").hexdigest()
    return f"kept-{name}-{digest[:24]}"


def sorted_ids(values: Iterable[object]) -> str:
    """A set's values in a stable order (a frozenset's order differs between processes)."""
    return ",".join(sorted(map(str, values)))
