"""The reviewer's way through the work: which queue opens, and the next and previous proposal.

The queue opens on what needs the person: a reviewer on the proposals awaiting their review, a
manager on those ready to decide, best score first. Whatever filters and order they choose
next is remembered (``organisations.services.remember_choice``), and the proposal page walks
through that same list, so the filters carry along from the queue to the proposals and back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import Lag, Lead, RowNumber
from django.http import QueryDict

from meetandcode.kernel.compiled import Compiled, KeptBuilds
from organisations.permissions import may, scope_of
from organisations.services import remember_choice
from programmes.models import Edition, current_of

from .filters import (
    TODO_DECIDE,
    TODO_REVIEW,
    QueueFilter,
)
from .reference import Reference
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


def pager(user, pk: int, reference: Reference) -> Pager:
    """The proposals before and after ``pk`` in the person's filtered, ordered queue.

    One query asks the database for the proposal's neighbours: a window, in the filters' order,
    over the proposals that match and this one, kept to this one's row; the ids of the whole
    list never come to Python. A proposal that no longer matches the filters (just reviewed,
    say) keeps its place in the order, so "next" is the one after it, not the first of the
    list. The query's SQL is kept per person, filters and editions (``_window_sql``)."""
    found, _names = _window_sql(user, reference).run(
        "SELECT matches, previous_id, next_id, position, total FROM ({}) AS listed "
        "WHERE listed.row_id = %s",
        (pk,),
        replace={PROPOSAL: pk},
    )
    row = found[0] if found else None
    if row is None:  # not in the person's queue at all (a conflict declared)
        return Pager(None, None, 0, 0, False)
    matches, previous_id, next_id, position, total = row
    if matches:
        return Pager(previous_id, next_id, position, total, True)
    return Pager(previous_id, next_id, 0, total - 1, False)


#: stands for the proposal's id in the kept SQL's parameters (no filter takes such a number)
PROPOSAL = -7_000_000_000_000_000_001
#: how long a person's pager SQL lives at most (its key holds what it is built from)
KEPT_SECONDS = 600
_kept_sql = KeptBuilds(4_000_000, KEPT_SECONDS, size_of=lambda compiled: compiled.size)


def _window_sql(user, reference: Reference) -> Compiled:
    """The window query of the person's filtered queue, with ``PROPOSAL`` in its parameters,
    built once per process for the same person, scope, filters, editions and choices offered
    (countries, focus groups): the SQL depends on those only, never on the data.

    Building it was most of the pager's cost: the filters' form checks the remembered query,
    the queue's annotations and the windows are put together and compiled to SQL (about 10 ms
    of CPU), where running it takes a fraction of that."""
    editions = list(reference.editions)
    current = current_of(editions)
    codes = reference.country_codes
    key = (
        user.pk,
        scope_of(user),
        queue_query(user),
        tuple(codes),
        reference.focus_groups,
        tuple((edition.pk, edition.year) for edition in editions),
        current.pk if current else None,
    )
    return _kept_sql.get(key, lambda: _built_window_sql(user, editions, codes))


def _built_window_sql(user, editions: list[Edition], codes: list[str]) -> Compiled:
    queue = queue_for(user)
    filterset = QueueFilter(
        QueryDict(queue_query(user)),
        queryset=queue,
        request=_Request(user),
        editions=editions,
        country_codes=codes,
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
    return Compiled.of(window)


class _Request:
    """What the queue's filters read from a request: the person."""

    def __init__(self, user):
        self.user = user
