"""The reviewer's way through the work: which queue opens, and the next and previous proposal.

The queue opens on what needs the person: a reviewer on the proposals awaiting their review, a
manager on those ready to decide, best score first. Whatever filters and order they choose
next is remembered (``organisations.services.remember_choice``), and the proposal page walks
through that same list, so the filters carry along from the queue to the proposals and back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Max, Q, QuerySet, Window
from django.db.models.functions import Lag, Lead
from django.http import QueryDict

from organisations.permissions import may
from organisations.services import remember_choice
from programmes.models import Edition

from .filters import TODO_DECIDE, TODO_REVIEW, QueueFilter

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


def pager(user, pk: int, queue: QuerySet, editions: list[Edition]) -> Pager:
    """The proposals before and after ``pk`` in the person's filtered, ordered queue.

    ``queue`` is the person's whole queue (``selectors.queue_for``). One query reads the ids of
    the filtered queue in its order (the database orders them once; 10,000 ids cost a few
    milliseconds, bench/queue.py). A proposal that no longer matches the filters (just reviewed,
    say) keeps its place in the order, so "next" is the one after it, not the first of the
    list: one more query then places it among them."""
    filterset = QueueFilter(
        QueryDict(queue_query(user)), queryset=queue, request=_Request(user), editions=editions
    )
    listed = filterset.qs
    ids = list(listed.values_list("pk", flat=True))
    if pk in ids:
        at = ids.index(pk)
        before = ids[at - 1] if at > 0 else None
        after = ids[at + 1] if at + 1 < len(ids) else None
        return Pager(before, after, at + 1, len(ids), True)
    return _placed_among(pk, queue, listed, len(ids))


def _placed_among(pk: int, queue: QuerySet, listed: QuerySet, total: int) -> Pager:
    """The neighbours of a proposal that is not in ``listed``, in its order: a window over the
    listed proposals and this one, kept to this one's row."""
    order = list(listed.query.order_by)
    rows = (
        queue.filter(Q(pk__in=listed.values("pk")) | Q(pk=pk))
        .annotate(
            previous_id=Window(Lag("pk"), order_by=order),
            next_id=Window(Lead("pk"), order_by=order),
            row_pk=Window(Max("pk"), partition_by=[F("pk")]),
        )
        .filter(row_pk=pk)
        .values("previous_id", "next_id")
    )
    row = next(iter(rows), None)
    if row is None:  # not in the person's queue at all (a conflict declared)
        return Pager(None, None, 0, total, False)
    return Pager(row["previous_id"], row["next_id"], 0, total, False)


class _Request:
    """What the queue's filters read from a request: the person."""

    def __init__(self, user):
        self.user = user
