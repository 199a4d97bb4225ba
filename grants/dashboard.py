"""The applicant's proposals on "My organisation", each with its next step: finish the draft,
answer the partner, download the award letter, write the report (added to the page through
``organisations.hooks.dashboard_sections``, in grants.apps)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Proposal
from events.reports import EDITABLE, report_window

from .models import AwardLetter

# status -> (the next thing to do, whether it happens on the edit page)
NEXT_STEPS = {
    Proposal.Status.DRAFT: (_("Complete and submit it"), True),
    Proposal.Status.CHANGES_REQUESTED: (_("Make the changes the partner asked for"), True),
    Proposal.Status.SUBMITTED: (_("Wait for the national partner's decision"), False),
    Proposal.Status.APPROVED: (_("Run your event"), False),
}


# What the list shows and its next steps read (templates/organisations/dashboard.html): the
# proposals' long texts and the related rows' other columns stay in the database.
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


def dashboard_proposals(user, limit: int = 50) -> list[Proposal]:
    """The person's organisations' proposals, newest change first, each with its next step.

    One query, whatever the number of organisations and proposals.
    """
    proposals = list(
        Proposal.objects.of_member(user)
        .select_related("organisation", "grant", "report", "country_programme")
        .only(*LISTED)
        .annotate(has_award_letter=Exists(_current_letters()))
        .order_by("-updated_at", "-id")[:limit]
    )
    now = timezone.now()
    for proposal in proposals:
        proposal.next_step, proposal.next_step_on_edit = NEXT_STEPS.get(
            proposal.status, ("", False)
        )
        proposal.next_step_url = ""
        if proposal.status == Proposal.Status.APPROVED:
            _report_step(proposal, now)
    return proposals


def _current_letters():
    return AwardLetter.objects.filter(grant__proposal=OuterRef("pk"), superseded=False)


def _report_step(proposal: Proposal, now) -> None:
    """Once the event has started, the next thing to do is its report, until it is sent."""
    window = report_window(proposal)
    report = getattr(proposal, "report", None)  # select_related: None when there is none
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


def dashboard_section(user) -> dict:
    return {"proposals": dashboard_proposals(user)}
