"""What a message says about a real proposal, for the message editor's preview
(grants/views_messages.py): the context its notification would carry, with the grant's
reference and amount when it has a grant, and stand-ins for what only the moment of sending
knows (the partner's reason, the requested changes)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from events.models import Proposal

from .reminders import report_due_at


def preview_context(kind: str, proposal: Proposal) -> dict:
    programme = proposal.country_programme
    try:
        grant = proposal.grant
    except ObjectDoesNotExist:
        grant = None
    try:
        due = report_due_at(proposal.event, programme).isoformat()
    except ObjectDoesNotExist:  # not approved: no event yet
        due = programme.edition.event_end.isoformat()
    return {
        "proposal": str(proposal),
        "organisation": proposal.organisation.name,
        "edition": str(programme.edition),
        "country": str(programme.country),
        "reason": _("(The reason the partner gives is written here.)"),
        "message": _("(What the partner asks to change is written here.)"),
        "reference": grant.reference if grant else "MC-0000",
        "amount": str(grant.amount if grant else proposal.requested_amount),
        "currency": programme.currency,
        "deadline": programme.edition.application_deadline.isoformat(),
        "due": due,
    }
