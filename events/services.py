"""Actions on proposals taken by applicants, and the one place a proposal's state changes."""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from meetandcode.kernel.exceptions import DomainError, InvalidTransition
from organisations import audit, hooks
from organisations.audit import Action
from organisations.models import Organisation
from organisations.notifications import notify_proposal
from organisations.permissions import require

from . import questions
from .changes import proposal_snapshot
from .eligibility import check_eligibility
from .models import EDITABLE, TRANSITIONS, BudgetLine, Event, Proposal

# transition (a key of TRANSITIONS) -> what the audit log calls it
AUDIT_ACTIONS: dict[str, Action] = {
    "submit": Action.PROPOSAL_SUBMIT,
    "request_changes": Action.PROPOSAL_REQUEST_CHANGES,
    "approve": Action.PROPOSAL_APPROVE,
    "reject": Action.PROPOSAL_REJECT,
    "withdraw": Action.PROPOSAL_WITHDRAW,
    "cancel": Action.PROPOSAL_CANCEL,
}


def _refused(action: str, state: str) -> InvalidTransition:
    return InvalidTransition(action, state, Proposal.Status(state).label)


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
        raise _refused(action, locked.status)
    from_state = locked.status
    if before_save:
        before_save(locked)
    locked.status = target
    _stamp(locked, action)
    locked.save()
    audit.record(
        locked,
        actor=actor,
        action=AUDIT_ACTIONS[action],
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


def withdraw_proposal(proposal: Proposal, *, actor, reason: str = "") -> Proposal:
    """The applicant takes the proposal back; possible until the partner decides."""
    require(actor, "proposal.act", proposal)
    with transaction.atomic():
        locked = transition_proposal(proposal, "withdraw", actor=actor, message=reason)
        notify_proposal(locked, "proposal_withdrawn", reason=reason)
        return locked


class NotEligible(DomainError):
    """The proposal breaks programme rules; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("not eligible")
        self.errors = errors


def create_draft(organisation, *, actor, country_programme) -> Proposal:
    """Start an empty draft for the organisation in the country programme.

    A second click (or a form sent twice) while the person's last draft is still blank returns
    that draft: the organisation's row is locked, so two requests at once make one draft.
    """
    require(actor, "organisation.act", organisation)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        blank = Proposal.objects.filter(
            organisation=organisation,
            country_programme=country_programme,
            created_by=actor,
            status=Proposal.Status.DRAFT,
            title="",
            description="",
        ).first()
        if blank is not None:
            return blank
        proposal = Proposal.objects.create(
            organisation=organisation,
            country_programme=country_programme,
            created_by=actor,
            currency=country_programme.currency,
        )
        audit.record(proposal, actor=actor, action=Action.PROPOSAL_CREATE, to_state=proposal.status)
    return proposal


# What a copy takes from the earlier proposal: its texts, format, audience, duration, venue and
# budget. Not the dates (the new edition has its own event window), nor the declarations.
COPIED_FIELDS = (
    "title",
    "description",
    "format",
    "delivery",
    "age_min",
    "age_max",
    "expected_participants",
    "duration_minutes",
    "venue_name",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "location_is_approximate",
    "requested_amount",
)


def copy_proposal(source: Proposal, *, actor, country_programme) -> Proposal:
    """Start a draft in the country programme from an earlier proposal of the organisation.

    The texts, audience, venue and budget lines (planned amounts only) are copied; the dates stay
    empty, to be set in the new edition's event window. The currency is the new programme's.
    """
    require(actor, "proposal.act", source)
    with transaction.atomic():
        proposal = Proposal.objects.create(
            organisation_id=source.organisation_id,
            country_programme=country_programme,
            created_by=actor,
            currency=country_programme.currency,
            **{name: getattr(source, name) for name in COPIED_FIELDS},
        )
        proposal.focus_groups.set(source.focus_groups.all())
        proposal.languages.set(source.languages.all())
        BudgetLine.objects.bulk_create(
            BudgetLine(
                proposal=proposal,
                category=line.category,
                description=line.description,
                amount=line.amount,
            )
            for line in source.budget_lines.all()
        )
        audit.record(
            proposal,
            actor=actor,
            action=Action.PROPOSAL_CREATE,
            to_state=proposal.status,
            data={"copied_from": source.pk},
        )
    return proposal


def save_draft_section(proposal: Proposal, *, actor, section: str, data) -> Proposal:
    """Store one section of an editable proposal. No eligibility rules: drafts may be incomplete.

    ``data`` is a form's cleaned data; for the "budget" section a list of dicts with category,
    description and amount, which replace the lines, and the requested amount becomes their sum.
    Section saves are not audited: only state changes are.
    """
    require(actor, "proposal.act", proposal)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status not in EDITABLE:
            raise _refused("edit", locked.status)
        if section == "budget":
            locked.budget_lines.all().delete()
            lines = [BudgetLine(proposal=locked, **line) for line in data]
            BudgetLine.objects.bulk_create(lines)
            locked.requested_amount = sum((line.amount for line in lines), Decimal("0"))
            locked.save(update_fields=["requested_amount", "updated_at"])
        else:
            data, answers = questions.split(data)
            questions.save_answers(locked, answers)
            m2m = {}
            for name, value in data.items():
                if name in {"focus_groups", "languages"}:
                    m2m[name] = value
                else:
                    setattr(locked, name, value)
            if data.get("latitude") is not None and data.get("longitude") is not None:
                locked.location_is_approximate = False  # a pin placed by the applicant
            locked.save()
            for name, value in m2m.items():
                getattr(locked, name).set(value)
    return locked


def submit_proposal(proposal: Proposal, *, actor, now=None) -> Proposal:
    """Hand a draft (or a proposal the partner asked to change) to the national partner.

    The programme's rules are checked on the locked row, whatever the caller sent; a proposal
    that breaks one raises NotEligible with a message per field. The audit entry keeps a
    snapshot of what was handed in (events.changes), to show what changed on a resubmit.
    """
    require(actor, "proposal.act", proposal)
    data: dict = {}

    def check(locked):
        errors = check_eligibility(locked, now=now)
        if errors:
            raise NotEligible(errors)
        # From the locked row, so it is exactly what is handed in; transition_proposal runs this
        # before it writes the audit entry with ``data``.
        data["snapshot"] = proposal_snapshot(locked)

    with transaction.atomic():
        locked = transition_proposal(proposal, "submit", actor=actor, data=data, before_save=check)
        notify_proposal(locked, "proposal_submitted")
        transaction.on_commit(lambda: _submitted(locked.pk))
        return locked


def _submitted(proposal_id: int) -> None:
    for function in hooks.proposal_submitted:
        function(proposal_id)


def save_event_edit(event: Event, *, actor, fields: list[str]) -> Event:
    """Staff correct a published event in the admin: saved and audited, so that the change is in
    its timeline and the webhooks for changed events hear of it (meetandcode.api)."""
    with transaction.atomic():
        event.save()
        if fields:
            audit.record(event, actor=actor, action=Action.EVENT_EDIT, data={"fields": fields})
    return event
