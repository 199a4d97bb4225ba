"""The applicant's proposals on "My organisation", each with its next step: finish the draft,
answer the partner, download the award letter, write the report (added to the page through
``organisations.hooks.dashboard_sections``, in grants.apps)."""

import datetime as dt
import functools

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Proposal, Report
from events.reports import EDITABLE, report_window_of
from meetandcode.kernel.compiled import Compiled
from meetandcode.kernel.fragments import KeptFragments

from .models import AwardLetter

# status -> (the next thing to do, whether it happens on the edit page)
NEXT_STEPS = {
    Proposal.Status.DRAFT: (_("Complete and submit it"), True),
    Proposal.Status.CHANGES_REQUESTED: (_("Make the changes the partner asked for"), True),
    Proposal.Status.SUBMITTED: (_("Wait for the national partner's decision"), False),
    Proposal.Status.APPROVED: (_("Run your event"), False),
}

# A report that is sent or accepted: what the applicant reads in place of "Run your event".
REPORT_DONE = {
    Report.Status.SUBMITTED: _("Report sent: the partner reads it"),
    Report.Status.ACCEPTED: _("Report accepted: nothing more to do"),
}

# What the list shows and its next steps read (templates/organisations/dashboard.html): the
# proposals' long texts and the related rows' other columns stay in the database.
STATUS_LABELS = dict(Proposal.Status.choices)
KEPT_ROWS_BYTES = 2 * 1024 * 1024  # characters of HTML: about 2,000 lines
kept_rows = KeptFragments("organisations/dashboard.html#proposal-row", KEPT_ROWS_BYTES)
PER_PAGE = 20
PAGE_PARAM = "proposals"
MAX_PAGE = 10_000

# What a line shows and its next step reads, straight from the database as plain values in this
# order (the SQL's own column names repeat: id, status): the proposals' long texts and the
# related rows' other columns stay there, and no model object is made (issue 19: making them
# cost more than the query).
COLUMNS = (
    "pk",
    "title",
    "status",
    "starts_at",
    "ends_at",
    "organisation__name",
    "country_programme__report_deadline_hours",
    "grant__pk",
    "grant__reference",
    "report__status",
    "has_award_letter",
)
# A user id no one has: the listing's SQL is compiled once with it, then run with the person's.
STAND_IN_USER = -7_654_321


def dashboard_proposals(user, page: int = 1) -> tuple[list[dict], bool]:
    """A page of the person's organisations' proposals, newest change first, as the values each
    line shows with its next step, and whether older ones follow.

    One query, whatever the number of organisations and proposals: PER_PAGE a page (a volunteer
    on a phone scrolls through a few, and the page costs the same with 5 or 500). One row more
    than a page tells whether older ones follow; Django's Paginator would count them all, one
    more query on every visit for a number the page does not show.
    """
    start = (page - 1) * PER_PAGE
    rows, _names = _listing().run(
        "{} LIMIT %s OFFSET %s", (PER_PAGE + 1, start), replace={STAND_IN_USER: user.pk}
    )
    older = len(rows) > PER_PAGE
    now, links = timezone.now(), _Links()
    lines = [dict(zip(COLUMNS, row, strict=True)) for row in rows[:PER_PAGE]]
    return [row_values(line, now, links) for line in lines], older


@functools.cache
def _listing() -> Compiled:
    """The SQL of the listing, compiled once in each process: putting its filters and
    annotations together cost more than running it (issue 19)."""
    return Compiled.of(
        Proposal.objects.of_member(STAND_IN_USER)
        .annotate(has_award_letter=Exists(_current_letters()))
        .order_by("-updated_at", "-id")
        .values_list(*COLUMNS)
    )


def _current_letters():
    return AwardLetter.objects.filter(grant__proposal=OuterRef("pk"), superseded=False)


STAND_IN_PK = 987_654_321_012  # a proposal id no one has: reversed once, then replaced


class _Links:
    """The addresses of a page's lines, each pattern reversed once (in the page's language)."""

    def __init__(self):
        self._patterns: dict[str, str] = {}

    def __call__(self, name: str, pk: int) -> str:
        if name not in self._patterns:
            self._patterns[name] = reverse(name, args=[STAND_IN_PK])
        return self._patterns[name].replace(str(STAND_IN_PK), str(pk), 1)


def _aware(value):
    """A date and time as the driver gave it: aware from PostgreSQL, naive UTC from SQLite."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _report_step(row: dict, now) -> tuple[str, bool] | None:
    """Once the event has started, the next thing to do is its report, until it is sent: the
    step and whether it links to the report (``None`` when the event is yet to start)."""
    report_status = row["report__status"]
    if report_status in REPORT_DONE:
        # sent or accepted: the event is over, not to be run (the page shows the report)
        return REPORT_DONE[report_status], True
    window = report_window_of(
        row["starts_at"], row["ends_at"], row["country_programme__report_deadline_hours"]
    )
    if not window.is_open(now) or (report_status is not None and report_status not in EDITABLE):
        return None
    due = window.due_at
    if report_status == Report.Status.CHANGES_REQUESTED:
        return _("Change your report as the partner asked"), True
    if due is None:
        return _("Write your report"), True
    date = date_format(timezone.localtime(due), "DATE_FORMAT")
    if now > due:
        return _("Report overdue since %(date)s") % {"date": date}, True
    return _("Report due on %(date)s") % {"date": date}, True


def dashboard_section(user, query) -> dict:
    """The proposals of the "My organisation" page; ``?proposals=N`` pages through older ones."""
    page = _page_number(query.get(PAGE_PARAM))
    proposals, older = dashboard_proposals(user, page)
    return {
        "proposal_rows": [
            kept_rows.rendered(values, context=lambda values=values: {"p": values})
            for values in proposals
        ],
        "proposals_page": page,
        "proposals_newer": page - 1 if page > 1 else None,
        "proposals_older": page + 1 if older else None,
    }


def row_values(row: dict, now, links: _Links) -> dict:
    """Everything a proposal's line on the dashboard shows, as plain values (its key as a kept
    fragment, meetandcode.kernel.fragments)."""
    pk, status = row["pk"], row["status"]
    row["starts_at"], row["ends_at"] = _aware(row["starts_at"]), _aware(row["ends_at"])
    step, on_edit = NEXT_STEPS.get(status, ("", False))
    step_url = ""
    if status == Proposal.Status.APPROVED:
        report_step = _report_step(row, now)
        if report_step is not None:
            step, step_url = report_step[0], links("events:report", pk)
    url = step_url or links("events:edit" if on_edit else "events:detail", pk)
    approved = status == Proposal.Status.APPROVED and row["grant__pk"] is not None
    has_letter = approved and row["has_award_letter"]
    return {
        "title": row["title"] or str(_("Untitled proposal")),
        "url": url,
        "organisation": row["organisation__name"],
        "starts_at": row["starts_at"],
        "status": STATUS_LABELS.get(status, status),
        "grant_reference": row["grant__reference"] if approved else "",
        "letter_url": links("letters:download", row["grant__pk"]) if has_letter else "",
        "next_step": str(step),
        "next_step_url": step_url,
    }


def _page_number(value) -> int:
    """A page number from the address; the first page for anything else (a link edited by
    hand, a number past any page)."""
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 1
    return page if 1 <= page <= MAX_PAGE else 1
