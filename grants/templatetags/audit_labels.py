"""``{{ entry.action|action_label }}``: an audit entry's action as people read it in a timeline.

The stored keys (``proposal.approve``) stay untranslated data; only what is shown is worded.
An action without a label here is shown as its key.
"""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "proposal.create": _("Draft started"),
    "proposal.submit": _("Proposal submitted"),
    "proposal.request_changes": _("Changes requested"),
    "proposal.approve": _("Proposal approved"),
    "proposal.reject": _("Proposal rejected"),
    "proposal.withdraw": _("Proposal withdrawn"),
    "proposal.cancel": _("Grant cancelled"),
    "review.submit": _("Review saved"),
    "review.update": _("Review changed"),
    "review.conflict": _("Conflict of interest declared"),
    "comment.to_applicant": _("Comment sent to the applicant"),
    "comment.internal": _("Internal comment"),
    "reminder.report_due": _("Reminder: report due"),
    "reminder.report_overdue": _("Reminder: report overdue"),
    "reminder.draft_deadline": _("Reminder: application deadline near"),
    "report.create": _("Report started"),
    "report.edit": _("Report edited"),
    "report.submit": _("Report submitted"),
    "report.add_receipt": _("Receipt added"),
    "report.add_photo": _("Photo added"),
    "report.remove_receipt": _("Receipt removed"),
    "report.remove_photo": _("Photo removed"),
    "report.photo_public": _("Photo made public"),
    "report.photo_private": _("Photo made private"),
    "report.accept": _("Report accepted"),
    "report.request_changes": _("Changes to the report requested"),
    "grant.paid": _("Grant paid"),
    "grant.donation_receipt": _("Donation receipt uploaded"),
    "award_letter.build": _("Award letter prepared"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
