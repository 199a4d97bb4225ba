"""Actions on proposals taken by applicants, and the one place a proposal's state changes."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from meetandcode.exceptions import InvalidTransition
from organisations import audit

from .models import TRANSITIONS, Proposal


def allowed_actions(proposal: Proposal) -> list[str]:
    """The actions the proposal's current state allows, in TRANSITIONS order."""
    return [action for action, (sources, _) in TRANSITIONS.items() if proposal.status in sources]


def transition_proposal(
    proposal: Proposal,
    action: str,
    *,
    actor,
    message: str = "",
    data: dict | None = None,
    before_save: Callable[[Proposal], None] | None = None,
) -> Proposal:
    """Move a proposal along one transition: lock, check, change, audit. Runs in the caller's
    transaction (callers wrap it in transaction.atomic) and returns the locked, updated row.

    ``before_save`` runs on the locked row after the state check: the place for the action's own
    rules and records (a grant, a budget reservation), so they see the current state.
    """
    sources, target = TRANSITIONS[action]
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status not in sources:
        raise InvalidTransition(action, locked.status)
    from_state = locked.status
    if before_save:
        before_save(locked)
    locked.status = target
    _stamp(locked, action)
    locked.save()
    audit.record(
        locked,
        actor=actor,
        action=f"proposal.{action}",
        from_state=from_state,
        to_state=target,
        message=message,
        data=data,
    )
    proposal.refresh_from_db()
    return locked


def _stamp(proposal: Proposal, action: str) -> None:
    now = timezone.now()
    if action == "submit":
        proposal.submitted_at = now
    elif action in {"approve", "reject", "request_changes"}:
        proposal.decided_at = now


def submit_proposal(proposal: Proposal, *, actor) -> Proposal:
    """Hand a draft (or a proposal the partner asked to change) to the national partner."""
    with transaction.atomic():
        return transition_proposal(proposal, "submit", actor=actor)


def withdraw_proposal(proposal: Proposal, *, actor, reason: str = "") -> Proposal:
    """The applicant takes the proposal back; possible until the partner decides."""
    with transaction.atomic():
        return transition_proposal(proposal, "withdraw", actor=actor, message=reason)
