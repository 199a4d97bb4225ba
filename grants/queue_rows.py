"""The review queue's rows, each rendered once per content and kept in this process.

A reviewer with 200 proposals pages through the same rows again and again, and 20 reviewers
of a partner share them. Rendering 50 rows through the template cost more than the rest of
the queue page together (bench/results.md). A row's HTML depends only on the values it shows,
the language, the time zone and whether the person may select rows for a bulk decision: those
are its key (meetandcode.kernel.fragments), so a kept row is never out of date.
"""

from django.http import QueryDict
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from events.models import allows
from meetandcode.kernel.fragments import KeptFragments
from meetandcode.kernel.kept_bodies import filled, mark

from .selectors import FORMAT_LABELS, STATUS_LABELS
from .services import BULK_DECISIONS

KEPT_ROWS_BYTES = 5 * 1024 * 1024  # characters of HTML: about 5,000 rows


kept = KeptFragments("grants/queue.html#row", KEPT_ROWS_BYTES)
# The filter form's fields: rendering its 13 fields and their options cost about as much as the
# rows did (bench/results.md). A few hundred bytes of key a form, some 20 KB of HTML.
KEPT_FILTERS_BYTES = 2 * 1024 * 1024
kept_filters = KeptFragments("grants/queue.html#filters", KEPT_FILTERS_BYTES)


def row_values(row: dict) -> dict:
    """Everything a row shows, as plain values, from the queue's row (grants.queue_plan)."""
    return {
        "pk": row["pk"],
        "title": row["title"] or str(_("Untitled proposal")),
        "format": row["format"],
        "country": row["country"],
        "edition": row["edition"],
        "organisation": row["organisation"],
        "city": row["city"],
        "starts_at": row["starts_at"],
        "requested_amount": row["requested_amount"],
        "currency": row["currency"],
        "status": row["status"],
        "avg_score": row["avg_score"],
        "review_count": row["review_count"],
        "submitted_at": row["submitted_at"],
    }


def rendered_rows(proposals: list[dict], *, can_bulk: bool) -> list[SafeString]:
    """Each row's HTML, the kept one where its content is the same."""
    rows = []
    for proposal in proposals:
        values = row_values(proposal)
        rows.append(
            kept.rendered(
                values,
                setting=(can_bulk,),
                context=lambda values=values: _context(values, can_bulk),
            )
        )
    return rows


def _context(values: dict, can_bulk: bool) -> dict:
    row = {
        **values,
        "url": reverse("grants:proposal", args=[values["pk"]]),
        "format_label": FORMAT_LABELS.get(values["format"], values["format"]),
        "status_label": STATUS_LABELS.get(values["status"], values["status"]),
        # a bulk decision (approve or reject) is possible in this state (events.TRANSITIONS)
        "decidable": any(allows(values["status"], action) for action in BULK_DECISIONS),
    }
    return {"p": row, "can_bulk": can_bulk}


def filter_fields(filterset) -> SafeString:
    """The queue's filter form's fields, the kept ones where the form would be the same: its key
    is everything the form is built from (the query, the editions, the countries and focus
    groups offered), with the language and time zone (meetandcode.kernel.fragments)."""
    form = filterset.form
    values = {
        "data": _bound_data(form.data),
        "editions": tuple((e.pk, e.year, str(e.name)) for e in filterset.editions),
        "countries": tuple((code, str(name)) for code, name in form.fields["country"].choices),
        "focus_groups": tuple((group.pk, group.code, str(group)) for group in _focus_groups(form)),
    }
    return kept_filters.rendered(values, context=lambda: {"filter": filterset})


def _bound_data(data) -> tuple:
    """The form's data as a key: a QueryDict's every value, or a plain dict's."""
    lists = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
    return tuple(sorted((name, tuple(map(str, values))) for name, values in lists))


def _focus_groups(form):
    return list(form.fields["focus_group"].queryset)


# The queue's whole main column (tabs, budget bars, filter form, rows, bulk form, pages): with
# the rows and the filter form kept, rendering the rest was the queue's largest part
# (bench/results.md, fourth round). Some 40 KB of HTML a page: about 200 pages.
KEPT_MAIN_BYTES = 8 * 1024 * 1024
kept_main = KeptFragments("grants/_queue_main.html", KEPT_MAIN_BYTES)


def main_column(request, values: dict) -> SafeString:
    """The queue's main column for ``values`` (plain values: ``plain_page`` and ``plain_bars``
    make them of a page and the budget bars), kept by all of them with the query string, the
    language and the time zone; this request's CSRF token is written in."""
    query = request.GET.urlencode()
    key = {"query": query, **values}
    html = kept_main.rendered(
        {name: frozen(value) for name, value in key.items()},
        context=lambda: {
            **values,
            "query": QueryDict(query),
            "query_string": query,
            "csrf_token": mark("csrf_token"),
        },
    )
    return filled(html, request)


def frozen(value):
    """``value`` as a key: dicts, lists and tuples made tuples, all the way down."""
    if isinstance(value, dict):
        return tuple((name, frozen(item)) for name, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    return value


def plain_page(page) -> dict:
    """What the main column shows of a paginator's page."""
    return {
        "number": page.number,
        "num_pages": page.paginator.num_pages,
        "has_previous": page.has_previous(),
        "previous_page_number": page.number - 1,
        "has_next": page.has_next(),
        "next_page_number": page.number + 1,
    }


def plain_bars(bars) -> list[dict]:
    """What the budget bars show (grants/_budget_bars.html), of each ``BudgetBar``."""
    return [
        {
            "country": {"code": bar.country.code, "name": str(bar.country.name)},
            "programme": {"edition": {"code": bar.programme.edition.code}},
            "currency": bar.currency,
            "budget": bar.budget,
            "reserved": bar.reserved,
            "remaining": bar.remaining,
            "percent": bar.percent,
        }
        for bar in bars
    ]
