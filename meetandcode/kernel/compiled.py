"""A query's SQL as Django's compiler made it, kept to be run again with other values (issue 19).

Building a queryset through filters and annotations and compiling it can cost more than running
it. Where the SQL depends only on who asks and what they chose, never on the data, it is
compiled once and kept (grants.queue_plan, grants.workbench); a value that changes per request
is compiled as a stand-in (``replace``) and swapped in at each run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from .memory import ByteLimitedLRU


@dataclass(frozen=True)
class Compiled:
    """A query's SQL and parameters; no SQL when Django knew it matches nothing."""

    sql: str | None
    params: tuple

    @classmethod
    def of(cls, queryset: QuerySet) -> Compiled:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: Django runs no query for it either
            return cls(None, ())
        return cls(sql, tuple(params))

    @property
    def size(self) -> int:
        return len(self.sql or "") + 50 * len(self.params)

    def run(
        self, wrap: str = "{}", more: tuple = (), replace: dict | None = None
    ) -> tuple[list[tuple], list[str]]:
        """The rows and their column names. ``wrap`` puts the SQL into more SQL ("{}" is where),
        with ``more`` parameters after the query's own; ``replace`` swaps stand-in values."""
        if self.sql is None:
            return [], []
        replace = replace or {}
        params = [replace.get(value, value) if _hashable(value) else value for value in self.params]
        with connection.cursor() as cursor:
            cursor.execute(wrap.format(self.sql), [*params, *more])
            return cursor.fetchall(), [column[0] for column in cursor.description]


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class KeptBuilds:
    """What ``build()`` makes for a key, kept in this process for at most ``seconds`` and
    ``limit`` bytes in all (``size_of`` an entry): the queue's plans, the pager's SQL."""

    def __init__(self, limit: int, seconds: float, size_of: Callable[[Any], int]):
        self.seconds = seconds
        self._kept = ByteLimitedLRU(limit, size_of=lambda entry: size_of(entry[1]))

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        kept = self._kept.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        built = build()
        self._kept.put(key, (time.monotonic() + self.seconds, built))
        return built
