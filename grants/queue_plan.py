"""The review queue's plan: what the person's filters decide, and the SQL of the queue's queries,
kept per person, filters, choices offered and language (issue 19).

Most of the queue page's cost was not reading the data but preparing to: checking the filters'
form, building the person's annotated queue (scores, review counts, conflicts) and compiling
three queries from it (the tally: the counts per status and the bulk selection's sums per
programme, from one GROUP BY; the page's ids; the page's rows). Their SQL depends only on the
person, their scope, the query string, the editions and the language, never on the data: it is
kept with what the form decided (status, country, order...) and the filter form's rendered
fields, and run as it is with the page's values.

What the form offers and accepts from the database is in the key: the countries (from the
person's programmes) and the focus groups, both from grants.reference. The data
itself is always read at the request. ``KEPT_SECONDS`` only bounds how long a plan lives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language

from meetandcode.kernel.compiled import Compiled, KeptBuilds
from organisations.permissions import scope_of
from programmes.models import Edition, current_of

from .filters import DECIDABLE, QueueFilter
from .queue_rows import filter_fields
from .reference import Reference
from .selectors import QUEUE_STATUSES, StatusListing, queue_for

KEPT_SECONDS = 600
#: stands for the page's ids in the rows' SQL parameters (the list replaces it at each request)
PAGE_IDS = "grants.queue_plan:page-ids"
_plans = KeptBuilds(8 * 1024 * 1024, KEPT_SECONDS, size_of=lambda plan: plan.size)

#: the ids of a list given as one parameter: a PostgreSQL array, else (SQLite) a JSON array
_IDS_OF_A_LIST = {True: "SELECT unnest(%s::bigint[])", False: "SELECT value FROM json_each(%s)"}
#: a queue row's values (grants.queue_rows.row_values) as the rows' SQL names them
ROW_NAMES = {"id": "pk", "organisation_name": "organisation", "country_code": "country"}


@dataclass(frozen=True)
class QueuePlan:
    valid: bool
    status: str | None
    country: str | None
    todo: str
    sort: str
    scans: bool
    chosen_edition: Edition | None
    current_edition: Edition | None
    filter_html: str
    #: (status, programme, n, total requested) per status and programme; with ``scans``,
    #: (id, status, programme, requested) of every match in the queue's order
    tally: Compiled
    ids: Compiled  # the chosen status's ids in the queue's order (LIMIT and OFFSET added)
    rows: Compiled  # a page's rows by their ids (PAGE_IDS)

    @property
    def size(self) -> int:
        parts = (self.tally, self.ids, self.rows)
        return len(self.filter_html) + sum(part.size for part in parts)


def plan_for(request, reference: Reference) -> QueuePlan:
    """The person's plan for the query string of ``request``: kept, or built."""
    user = request.user
    programme_ids = [programme.pk for programme in reference.programmes]
    codes = reference.country_codes
    editions = list(reference.editions)
    current = current_of(editions)
    key = (
        user.pk,
        scope_of(user),
        request.GET.urlencode(),
        tuple(programme_ids),
        tuple(codes),
        reference.focus_groups,
        tuple((edition.pk, edition.year, str(edition.name)) for edition in editions),
        current.pk if current else None,
        get_language(),
        timezone.get_current_timezone_name(),
    )
    return _plans.get(key, lambda: _built(request, programme_ids, codes, editions))


def _built(request, programme_ids, codes, editions) -> QueuePlan:
    whole = queue_for(request.user, programme_ids)
    shown, listed = _filter_sets(request, whole, codes, editions)
    valid = shown.form.is_valid()
    data = shown.form.cleaned_data if valid else {}
    status = data.get("status") or None
    proposals = listed.qs
    if shown.scans:
        columns = ("pk", "status", "country_programme", "requested_amount")
        tally = Compiled.of(proposals.values_list(*columns))
    else:
        tally = Compiled.of(
            proposals.order_by()
            .values_list("status", "country_programme")
            .annotate(n=Count("pk"), total=Sum("requested_amount"))
        )
    chosen = proposals.filter(status=status) if status else proposals
    # one of two constant texts; the ids are a parameter
    page = RawSQL(_IDS_OF_A_LIST[connection.vendor == "postgresql"], [PAGE_IDS])  # noqa: S611  # nosec B611
    rows = whole.filter(pk__in=page).values(
        "pk",
        "title",
        "format",
        "city",
        "starts_at",
        "requested_amount",
        "currency",
        "status",
        "submitted_at",
        "avg_score",
        "review_count",
        organisation_name=F("organisation__name"),
        country_code=F("country_programme__country"),
        edition=F("country_programme__edition__code"),
    )
    return QueuePlan(
        valid=valid,
        status=status,
        country=data.get("country") or None,
        todo=data.get("todo") or "",
        sort=shown.sort_param,
        scans=shown.scans,
        chosen_edition=shown.chosen_edition,
        current_edition=shown.current_edition,
        filter_html=filter_fields(shown),
        tally=tally,
        ids=Compiled.of(chosen.values_list("pk", flat=True)),
        rows=Compiled.of(rows.order_by()),
    )


def _filter_sets(request, whole, codes, editions) -> tuple[QueueFilter, QueueFilter]:
    """The filter set the form shows and the one whose proposals are listed: every filter but
    the status, since one scan gives the counts per status (what each status tab would show)
    and, in the chosen order, the ids of the chosen status."""

    def filtered(data, queryset):
        return QueueFilter(
            data, queryset=queryset, request=request, country_codes=codes, editions=editions
        )

    shown = filtered(request.GET, whole)
    if "status" not in request.GET:
        return shown, shown
    others = request.GET.copy()
    others.pop("status", None)
    return shown, filtered(others, whole)


def page_rows(plan: QueuePlan, ids: list[int]) -> list[dict]:
    """The rows of one page of ids, in that order, as plain values."""
    listed = ids if connection.vendor == "postgresql" else json.dumps(ids)
    found, names = plan.rows.run(replace={PAGE_IDS: listed})
    names = [ROW_NAMES.get(name, name) for name in names]
    rows = {row["pk"]: row for row in (dict(zip(names, values, strict=True)) for values in found)}
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class Tally:
    """What one query tells of the filtered queue: how many proposals each status holds and,
    per programme, how many of them can be decided and what they request together (the bulk
    selection's running total, of the chosen status only when one is chosen)."""

    counts: dict[str, int]
    sums: dict[int, dict]
    ids: list[int] | None  # with ``scans``: the chosen status's ids, in the queue's order


def tally(plan: QueuePlan) -> Tally:
    """The counts per status and the bulk sums, in one query grouping by status and programme
    (or, with ``scans``, one pass over the matches, which also gives the chosen ids)."""
    counts = dict.fromkeys(QUEUE_STATUSES, 0)
    sums: dict[int, dict] = {}
    ids = [] if plan.scans else None
    found, _names = plan.tally.run()
    for row in found:
        if plan.scans:
            pk, state, programme, requested = row
            n = 1
            if not plan.status or state == plan.status:
                ids.append(pk)
        else:
            state, programme, n, requested = row
        counts[state] = counts.get(state, 0) + n
        if state in DECIDABLE and (not plan.status or state == plan.status):
            summed = sums.setdefault(programme, {"n": 0, "total": 0})
            summed["n"] += n
            summed["total"] += requested or 0
    return Tally(counts=counts, sums=sums, ids=ids)


def listing(plan: QueuePlan, found: Tally, page_number, per_page: int) -> StatusListing:
    """The counts per status and one page of the ids of the chosen status, in the queue's
    order, in a number of queries that does not grow with the queue, two ways:

    - ``scans``: the tally read the (id, status) pairs of the filtered queue, for filters that
      cost the database a scan of their own (a text search, a score): it runs once, and what
      it finds is a few rows;
    - otherwise one small query more, one page of ids by LIMIT and OFFSET: a partner's whole
      queue (13,000 proposals at 100,000) is not carried through Python."""
    if found.ids is not None:
        page = Paginator(found.ids, per_page).get_page(page_number)
        return StatusListing(counts=found.counts, page=page)
    counts = found.counts
    total = counts.get(plan.status, 0) if plan.status else sum(counts.values())
    paginator = Paginator(_PageOfIds(plan.ids, total), per_page)
    return StatusListing(counts=counts, page=paginator.get_page(page_number))


class _PageOfIds:
    """The chosen ids, whose number the counts tell already: the paginator's slice is read with
    LIMIT and OFFSET."""

    def __init__(self, ids: Compiled, count: int):
        self.ids, self._count = ids, count

    def count(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[int]:
        start = index.start or 0
        found, _names = self.ids.run("{} LIMIT %s OFFSET %s", (index.stop - start, start))
        return [pk for (pk,) in found]
