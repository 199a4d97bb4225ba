"""The reviewer's way through the work: which queue opens, and the next and previous proposal.

The queue opens on what needs the person: a reviewer on the proposals awaiting their review, a
manager on those ready to decide, best score first. Whatever filters and order they choose
next is remembered (``organisations.services.remember_choice``), and the proposal page walks
through that same list, so the filters carry along from the queue to the proposals and back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import Lag, Lead, RowNumber
from django.http import QueryDict

from meetandcode.kernel.memory import ByteLimitedLRU
from organisations.permissions import may, scope_of
from organisations.services import remember_choice
from programmes.models import Edition, current_of

from .filters import TODO_DECIDE, TODO_REVIEW, QueueFilter
from .selectors import queue_for

REMEMBERED = "queue"
#: what a queue address may carry besides the filters, never remembered
NOT_REMEMBERED = ("page",)


def default_query(user) -> str:
    """Where the queue opens before the person has chosen anything."""
    if may(user, "partner_pages.decide"):
        return f"todo={TODO_DECIDE}&sort=-score"
    return f"todo={TODO_REVIEW}"


def queue_query(user) -> str:
    """The filters the person last chose, or where the queue opens for them."""
    return user.choices_remembered.get(REMEMBERED) or default_query(user)


def remember(user, chosen: QueryDict, current: Edition | None) -> None:
    """Keep the queue's filters as the person's choice. The current edition is left out, so
    that next year's queue opens on next year's proposals."""
    kept = chosen.copy()
    for name in NOT_REMEMBERED:
        kept.pop(name, None)
    if current is not None and kept.get("edition") == str(current.year):
        kept.pop("edition")
    remember_choice(user, key=REMEMBERED, value=kept.urlencode())


@dataclass(frozen=True)
class Pager:
    """Where a proposal stands in the person's filtered queue."""

    previous_id: int | None
    next_id: int | None
    position: int
    total: int  # how many proposals match the filters
    listed: bool  # whether the proposal itself matches the filters (a reviewed one may not)


def pager(user, pk: int, editions: list[Edition]) -> Pager:
    """The proposals before and after ``pk`` in the person's filtered, ordered queue.

    One query asks the database for the proposal's neighbours: a window, in the filters' order,
    over the proposals that match and this one, kept to this one's row; the ids of the whole
    list never come to Python. A proposal that no longer matches the filters (just reviewed,
    say) keeps its place in the order, so "next" is the one after it, not the first of the
    list. The query's SQL is built once per person, filters and edition (``_window_sql``)."""
    sql, params = _window_sql(user, editions)
    params = [pk if value == PROPOSAL else value for value in params]
    # the SQL comes from Django's compiler, every value a parameter
    query = f"SELECT matches, previous_id, next_id, position, total FROM ({sql}) AS listed"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"{query} WHERE listed.row_id = %s", [*params, pk])
        row = cursor.fetchone()
    if row is None:  # not in the person's queue at all (a conflict declared)
        return Pager(None, None, 0, 0, False)
    matches, previous_id, next_id, position, total = row
    if matches:
        return Pager(previous_id, next_id, position, total, True)
    return Pager(previous_id, next_id, 0, total - 1, False)


#: stands for the proposal's id in the kept SQL's parameters (no filter takes such a number)
PROPOSAL = -7_000_000_000_000_000_001
#: how long a person's pager SQL is kept: the filters' choices (countries, focus groups) are
#: read from the database when it is built, so a renamed focus group is seen within this time
KEPT_SECONDS = 60
_kept_sql = ByteLimitedLRU(4_000_000, size_of=lambda entry: len(entry[1]) + 200)


def _window_sql(user, editions: list[Edition]) -> tuple[str, tuple]:
    """The window query of the person's filtered queue, with ``PROPOSAL`` in its parameters,
    built once a minute per process for the same person, scope, filters and editions.

    Building it was most of the pager's cost: the filters' form checks the remembered query,
    the queue's annotations and the windows are put together and compiled to SQL (about 10 ms
    of CPU), where running it takes a fraction of that."""
    current = current_of(editions)
    key = (
        user.pk,
        scope_of(user),
        queue_query(user),
        tuple((edition.pk, edition.year) for edition in editions),
        current.pk if current else None,
    )
    kept = _kept_sql.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1], kept[2]
    queue = queue_for(user)
    filterset = QueueFilter(
        QueryDict(queue_query(user)), queryset=queue, request=_Request(user), editions=editions
    )
    listed = filterset.qs
    order = list(listed.query.order_by)
    matching = listed.values("pk")
    window = (
        queue.filter(Q(pk__in=matching) | Q(pk=PROPOSAL))
        .annotate(
            row_id=F("pk"),
            matches=Case(When(pk__in=matching, then=Value(True)), default=Value(False)),
            previous_id=Window(Lag("pk"), order_by=order),
            next_id=Window(Lead("pk"), order_by=order),
            position=Window(RowNumber(), order_by=order),
            total=Window(Count("pk")),
        )
        .values("row_id", "matches", "previous_id", "next_id", "position", "total")
        .order_by()
    )
    sql, params = window.query.sql_with_params()
    _kept_sql.put(key, (time.monotonic() + KEPT_SECONDS, sql, tuple(params)))
    return sql, tuple(params)


class _Request:
    """What the queue's filters read from a request: the person."""

    def __init__(self, user):
        self.user = user
