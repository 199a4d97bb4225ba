"""The audit log: every service records who did what, to which object, from which state."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import hooks
from .models import AuditEntry


class Action(models.TextChoices):
    """Every action the audit log knows, stored as its dotted "thing.verb" value.

    Each member has a translated label: the timelines show it (``label_of``, through
    grants.templatetags.audit_labels), never the stored key. AuditEntry.action deliberately has
    no ``choices``: the values are data, not a schema.
    """

    ORGANISATION_REGISTER = "organisation.register", _("Organisation registered")
    ORGANISATION_UPDATE = "organisation.update", _("Organisation details changed")
    MEMBERSHIP_REQUEST = "membership.request", _("Asked to join")
    MEMBERSHIP_ACCEPT = "membership.accept", _("Member accepted")
    MEMBERSHIP_DECLINE = "membership.decline", _("Request to join declined")
    INVITATION_CREATE = "invitation.create", _("Invitation sent")
    INVITATION_REFRESH = "invitation.refresh", _("Invitation sent again")
    INVITATION_ACCEPT = "invitation.accept", _("Invitation accepted")
    INVITATION_REVOKE = "invitation.revoke", _("Invitation withdrawn")
    # an action name, not a secret (S105)
    TOKEN_ISSUE = "token.issue", _("Validation codes issued")  # noqa: S105
    VALIDATION_REQUEST = "validation.request", _("Validation asked for")
    VALIDATION_VALIDATED = "validation.validated", _("Organisation validated")
    VALIDATION_REFUSED = "validation.refused", _("Validation refused")
    USER_LANGUAGE = "user.language", _("Preferred language changed")
    NOTIFICATION_RESEND = "notification.resend", _("Notification sent again")
    DATA_READ = "data.read", _("Data viewed by staff")
    ACCOUNT_UPDATE = "account.update", _("Name or language changed")
    ACCOUNT_DELETE = "account.delete", _("Account deleted")
    CONSENT_ACCEPT = "consent.accept", _("Privacy notice accepted")
    API_TOKEN_CREATE = "api_token.create", _("API token created")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    WEBHOOK_CREATE = "webhook.create", _("Webhook endpoint registered")
    WEBHOOK_DISABLE = "webhook.disable", _("Webhook endpoint turned off")
    WEBHOOK_REPLAY = "webhook.replay", _("Webhook delivery sent again")
    WEBHOOK_PING = "webhook.ping", _("Test webhook sent")
    WEBHOOK_NEW_SECRET = "webhook.new_secret", _("Webhook secret replaced")

    PROPOSAL_CREATE = "proposal.create", _("Draft started")
    PROPOSAL_SUBMIT = "proposal.submit", _("Proposal submitted")
    PROPOSAL_REQUEST_CHANGES = "proposal.request_changes", _("Changes requested")
    PROPOSAL_APPROVE = "proposal.approve", _("Proposal approved")
    PROPOSAL_REJECT = "proposal.reject", _("Proposal rejected")
    PROPOSAL_WITHDRAW = "proposal.withdraw", _("Proposal withdrawn")
    PROPOSAL_CANCEL = "proposal.cancel", _("Grant cancelled")
    EVENT_EDIT = "event.edit", _("Public event edited")
    REVIEW_SUBMIT = "review.submit", _("Review saved")
    REVIEW_UPDATE = "review.update", _("Review changed")
    REVIEW_CONFLICT = "review.conflict", _("Conflict of interest declared")
    SIGNAL_CHECK = "signal.check", _("Integrity signal checked")
    MESSAGE_TEXT_SAVE = "message_text.save", _("Message text changed")
    COMMENT_TO_APPLICANT = "comment.to_applicant", _("Comment sent to the applicant")
    COMMENT_INTERNAL = "comment.internal", _("Internal comment")
    EDITION_OPEN_NEXT = "edition.open_next", _("Next edition opened")
    REMINDER_REPORT_DUE = "reminder.report_due", _("Reminder: report due")
    REMINDER_REPORT_OVERDUE = "reminder.report_overdue", _("Reminder: report overdue")
    REMINDER_DRAFT_DEADLINE = "reminder.draft_deadline", _("Reminder: application deadline near")
    REPORT_CREATE = "report.create", _("Report started")
    REPORT_EDIT = "report.edit", _("Report edited")
    REPORT_SUBMIT = "report.submit", _("Report submitted")
    REPORT_ADD_RECEIPT = "report.add_receipt", _("Receipt added")
    REPORT_ADD_PHOTO = "report.add_photo", _("Photo added")
    REPORT_REMOVE_RECEIPT = "report.remove_receipt", _("Receipt removed")
    REPORT_REMOVE_PHOTO = "report.remove_photo", _("Photo removed")
    REPORT_PHOTO_PUBLIC = "report.photo_public", _("Photo made public")
    REPORT_PHOTO_PRIVATE = "report.photo_private", _("Photo made private")
    REPORT_ACCEPT = "report.accept", _("Report accepted")
    REPORT_REQUEST_CHANGES = "report.request_changes", _("Changes to the report requested")
    GRANT_PAID = "grant.paid", _("Grant paid")
    GRANT_DONATION_RECEIPT = "grant.donation_receipt", _("Donation receipt uploaded")
    AWARD_LETTER_BUILD = "award_letter.build", _("Award letter prepared")

    @property
    def worded(self) -> bool:
        """Whether the action has a label of its own (a translated one), not a derived one."""
        return isinstance(self.label, Promise)


# What a timeline shows for a stored key that is no longer (or not yet) an Action: an entry
# written by an older version of the site. Never the key itself, which people cannot read.
UNKNOWN_ACTION_LABEL = _("Other change")


def label_of(action: str) -> str:
    """The action as people read it in a timeline, in the active language."""
    try:
        return str(Action(action).label)
    except ValueError:
        return str(UNKNOWN_ACTION_LABEL)


def record(
    target,
    *,
    actor,
    action: Action,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Write one entry. ``action`` must be an Action (or its value): ValueError otherwise."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}: add it to organisations.audit.Action")
    entry = AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=Action(action),
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        from_state=from_state,
        to_state=to_state,
        message=message,
        data=data or {},
    )
    for function in hooks.recorded:
        function(entry, target)
    return entry


def entries_for(target):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")
