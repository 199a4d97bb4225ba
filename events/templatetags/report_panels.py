"""What the partner's report panel (templates/grants/_report.html) needs, whatever view includes
it: ``{% report_panel proposal request.user as panel %}``."""

from django import template

from organisations import audit
from organisations.permissions import may

from ..models import Report
from ..reports import report_window

register = template.Library()


@register.simple_tag
def report_panel(proposal, user) -> dict:
    report = getattr(proposal, "report", None)  # read with the proposal where the view did
    if report is None:
        return {"report": None, "window": report_window(proposal)}
    report.proposal = proposal  # the same row: what the summary reads of it is read once
    is_manager = may(user, "proposal.decide", proposal)
    return {
        "report": report,
        "window": report_window(proposal),
        "files": list(report.files.all()),
        "lines": list(proposal.budget_lines.all()),  # prefetched by the proposal page
        "is_manager": is_manager,
        "can_decide": is_manager and report.status == Report.Status.SUBMITTED,
        "history": list(audit.entries_for(report).order_by("created_at", "id")),
        "labels": dict(Report.Status.choices),
    }
