"""The applicant's proposals on "My organisation", each with its next step: finish the draft,
answer the partner, download the award letter, write the report (added to the page through
``organisations.hooks.dashboard_sections``, in grants.apps)."""

import functools

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Proposal, Report
from events.reports import EDITABLE, report_window
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

LISTED = (
    "title",
    "status",
    "starts_at",
    "ends_at",
    "organisation__name",
    "country_programme__report_deadline_hours",
    "grant__reference",
    "report__status",
)


def dashboard_proposals(user, page: int = 1) -> tuple[list[Proposal], bool]:
    """A page of the person's organisations' proposals, newest change first, each with its next
    step, and whether older ones follow.

    One query, whatever the number of organisations and proposals: PER_PAGE a page (a volunteer
    on a phone scrolls through a few, and the page costs the same with 5 or 500). One row more
    than a page tells whether older ones follow; Django's Paginator would count them all, one
    more query on every visit for a number the page does not show.
    """
    start = (page - 1) * PER_PAGE
    proposals = list(_listed_of(user.pk)[start : start + PER_PAGE + 1])
    older = len(proposals) > PER_PAGE
    proposals = proposals[:PER_PAGE]
    now = timezone.now()
    for proposal in proposals:
        proposal.next_step, proposal.next_step_on_edit = NEXT_STEPS.get(
            proposal.status, ("", False)
        )
        proposal.next_step_url = ""
        if proposal.status == Proposal.Status.APPROVED:
            _report_step(proposal, now)
    return proposals, older


@functools.lru_cache(maxsize=256)
def _listed_of(user_id: int) -> QuerySet[Proposal]:
    """The query of the person's proposals, built once per person in each process: putting its
    filters and annotations together cost more than running it (issue 19). It is a description
    of the query, evaluated afresh (sliced) at every request."""
    return (
        Proposal.objects.of_member(user_id)
        .select_related("organisation", "grant", "report", "country_programme")
        .only(*LISTED)
        .annotate(has_award_letter=Exists(_current_letters()))
        .order_by("-updated_at", "-id")
    )


def _current_letters():
    return AwardLetter.objects.filter(grant__proposal=OuterRef("pk"), superseded=False)


def _report_step(proposal: Proposal, now) -> None:
    """Once the event has started, the next thing to do is its report, until it is sent."""
    window = report_window(proposal)
    report = getattr(proposal, "report", None)  # select_related: None when there is none
    if report is not None and report.status in REPORT_DONE:
        # sent or accepted: the event is over, not to be run (the page shows the report)
        proposal.next_step = REPORT_DONE[report.status]
        proposal.next_step_url = reverse("events:report", args=[proposal.pk])
        return
    if not window.is_open(now) or (report is not None and report.status not in EDITABLE):
        return
    due = window.due_at
    if report is not None and report.status == report.Status.CHANGES_REQUESTED:
        proposal.next_step = _("Change your report as the partner asked")
    elif due is None:
        proposal.next_step = _("Write your report")
    elif now > due:
        proposal.next_step = _("Report overdue since %(date)s") % {
            "date": date_format(timezone.localtime(due), "DATE_FORMAT")
        }
    else:
        proposal.next_step = _("Report due on %(date)s") % {
            "date": date_format(timezone.localtime(due), "DATE_FORMAT")
        }
    proposal.next_step_url = reverse("events:report", args=[proposal.pk])


def dashboard_section(user, query) -> dict:
    """The proposals of the "My organisation" page; ``?proposals=N`` pages through older ones."""
    page = _page_number(query.get(PAGE_PARAM))
    proposals, older = dashboard_proposals(user, page)
    return {
        "proposals": proposals,
        "proposal_rows": [
            kept_rows.rendered(values, context=lambda values=values: {"p": values})
            for values in map(row_values, proposals)
        ],
        "proposals_page": page,
        "proposals_newer": page - 1 if page > 1 else None,
        "proposals_older": page + 1 if older else None,
    }


def row_values(proposal: Proposal) -> dict:
    """Everything a proposal's line on the dashboard shows, as plain values (its key as a kept
    fragment, meetandcode.kernel.fragments)."""
    grant = (
        getattr(proposal, "grant", None) if proposal.status == Proposal.Status.APPROVED else None
    )
    if proposal.next_step_url:
        url = proposal.next_step_url
    else:
        where = "events:edit" if proposal.next_step_on_edit else "events:detail"
        url = reverse(where, args=[proposal.pk])
    has_letter = grant is not None and proposal.has_award_letter
    return {
        "title": str(proposal),
        "url": url,
        "organisation": proposal.organisation.name,
        "starts_at": proposal.starts_at,
        "status": STATUS_LABELS.get(proposal.status, proposal.status),
        "grant_reference": grant.reference if grant is not None else "",
        "letter_url": reverse("letters:download", args=[grant.pk]) if has_letter else "",
        "next_step": str(proposal.next_step),
        "next_step_url": proposal.next_step_url,
    }


def _page_number(value) -> int:
    """A page number from the address; the first page for anything else (a link edited by
    hand, a number past any page)."""
    try:
        page = int(value)
    except (TypeError, ValueError):
        return 1
    return page if 1 <= page <= MAX_PAGE else 1
