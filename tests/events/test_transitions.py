"""A proposal's life: every (state, action) pair, and what approving and cancelling do.

The table is built from Proposal.Status and TRANSITIONS, so a new state or action is tested as
soon as it exists. Actions go through the public service functions, the way a view or a task
calls them.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import TRANSITIONS, Event, Proposal
from events.services import withdraw_proposal
from grants.models import Grant
from grants.services import approve_proposal, cancel_grant, reject_proposal, request_changes
from meetandcode.kernel.exceptions import AmountNotAllowed, BudgetExceeded, InvalidTransition
from organisations.models import AuditEntry
from programmes.models import CountryProgramme
from tests.factories import (
    PAST_CODE,
    CountryProgrammeFactory,
    FocusGroupFactory,
    LanguageFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    member_of,
    submit_in_window,
)

pytestmark = pytest.mark.django_db

S = Proposal.Status

ACTIONS = {
    "submit": lambda p, actor: submit_in_window(p, actor=actor),
    "withdraw": lambda p, actor: withdraw_proposal(p, actor=actor, reason="Trainer is ill."),
    "request_changes": lambda p, actor: request_changes(
        p, actor=actor, message="Please add the venue's address."
    ),
    "approve": lambda p, actor: approve_proposal(p, actor=actor),
    "reject": lambda p, actor: reject_proposal(p, actor=actor, reason="Not a coding event."),
    "cancel": lambda p, actor: cancel_grant(p, actor=actor, reason="Event called off."),
}
# The applicant's own actions; the partner's manager takes the others.
BY_THE_APPLICANT = {"submit", "withdraw"}


def _actor(action, proposal, manager):
    return member_of(proposal.organisation) if action in BY_THE_APPLICANT else manager


PAIRS = [(state, action) for state in S.values for action in TRANSITIONS]
ALLOWED = [(s, a) for s, a in PAIRS if s in TRANSITIONS[a][0]]
FORBIDDEN = [(s, a) for s, a in PAIRS if s not in TRANSITIONS[a][0]]


def _ids(pairs):
    return [f"{state}-{action}" for state, action in pairs]


@pytest.fixture
def manager():
    return PartnerStaffFactory().user


@pytest.fixture
def programme():
    return CountryProgrammeFactory()


def _put_in_state(proposal: Proposal, state: str, manager) -> Proposal:
    """Test setup: the status is set directly, except that an approved (or cancelled) proposal
    is approved through the service, because it must then own a grant and an event."""
    if state in {S.APPROVED, S.CANCELLED}:
        Proposal.objects.filter(pk=proposal.pk).update(status=S.SUBMITTED)
        approve_proposal(proposal, actor=manager)
    if state == S.CANCELLED:
        cancel_grant(proposal, actor=manager, reason="setup")
    Proposal.objects.filter(pk=proposal.pk).update(status=state)
    proposal.refresh_from_db()
    return proposal


def _snapshot(proposal: Proposal) -> dict:
    """Everything an action could change, read fresh from the database."""
    programme = CountryProgramme.objects.get(pk=proposal.country_programme_id)
    return {
        "status": Proposal.objects.get(pk=proposal.pk).status,
        "audit": list(AuditEntry.objects.values_list("id", flat=True)),
        "grants": list(Grant.objects.values_list("id", "status", "amount")),
        "events": list(Event.objects.values_list("id", "status")),
        "reserved": programme.reserved,
    }


def test_the_table_covers_every_state_and_action():
    assert len(PAIRS) == len(S.values) * len(TRANSITIONS) == 42
    assert set(ACTIONS) == set(TRANSITIONS)
    assert len(ALLOWED) == sum(len(sources) for sources, _ in TRANSITIONS.values())


def test_transitions_follow_the_programme_rules():
    # Spelled out once more, so that a slip in TRANSITIONS cannot pass the table tests unseen.
    assert {
        action: (set(sources), target) for action, (sources, target) in TRANSITIONS.items()
    } == {
        "submit": ({"draft", "changes_requested"}, "submitted"),
        "request_changes": ({"submitted"}, "changes_requested"),
        "approve": ({"submitted"}, "approved"),
        "reject": ({"submitted", "changes_requested"}, "rejected"),
        "withdraw": ({"draft", "submitted", "changes_requested"}, "withdrawn"),
        "cancel": ({"approved"}, "cancelled"),
    }
    final_states = {S.REJECTED, S.WITHDRAWN, S.CANCELLED}
    assert not any(state in final_states for state, _ in ALLOWED)


@pytest.mark.parametrize(("state", "action"), ALLOWED, ids=_ids(ALLOWED))
def test_allowed_action_moves_proposal_and_writes_one_audit_entry(
    state, action, programme, manager
):
    proposal = _put_in_state(ProposalFactory(country_programme=programme), state, manager)
    audit_before = set(AuditEntry.objects.values_list("id", flat=True))
    actor = _actor(action, proposal, manager)

    ACTIONS[action](proposal, actor)

    target = TRANSITIONS[action][1]
    assert Proposal.objects.get(pk=proposal.pk).status == target
    new_entries = AuditEntry.objects.exclude(id__in=audit_before)
    assert new_entries.count() == 1
    entry = new_entries.get()
    assert entry.actor == actor
    assert entry.action == f"proposal.{action}"
    assert (entry.from_state, entry.to_state) == (state, target)
    assert entry.target == proposal


@pytest.mark.parametrize(("state", "action"), FORBIDDEN, ids=_ids(FORBIDDEN))
def test_forbidden_action_raises_and_changes_nothing(state, action, programme, manager):
    proposal = _put_in_state(ProposalFactory(country_programme=programme), state, manager)
    before = _snapshot(proposal)

    with pytest.raises(InvalidTransition) as refused:
        ACTIONS[action](proposal, _actor(action, proposal, manager))

    assert (refused.value.action, refused.value.state) == (action, state)
    assert _snapshot(proposal) == before
    assert proposal.status == state


def test_approve_creates_numbered_grants_and_reserves_their_amounts(programme, manager):
    first = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    second = ProposalFactory(
        country_programme=programme, status=S.SUBMITTED, requested_amount=Decimal("350.00")
    )

    grant_1 = approve_proposal(first, actor=manager)
    grant_2 = approve_proposal(second, actor=manager)

    assert (grant_1.reference, grant_1.sequence) == (f"{PAST_CODE}-LU-0001", 1)
    assert (grant_2.reference, grant_2.sequence) == (f"{PAST_CODE}-LU-0002", 2)
    assert grant_1.amount == Decimal("400.00")
    assert grant_2.amount == Decimal("350.00")
    assert grant_1.approved_by == manager
    assert grant_1.status == Grant.Status.ACTIVE
    programme.refresh_from_db()
    assert programme.reserved == Decimal("750.00")
    assert programme.remaining == Decimal("4250.00")


def test_approve_with_a_smaller_amount_reserves_that_amount(programme, manager):
    proposal = ProposalFactory(country_programme=programme, status=S.SUBMITTED)

    grant = approve_proposal(proposal, actor=manager, amount=Decimal("250"))

    assert grant.amount == Decimal("250.00")
    programme.refresh_from_db()
    assert programme.reserved == Decimal("250.00")


def test_approve_publishes_an_event_with_public_fields_only(programme, manager):
    proposal = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    proposal.languages.add(LanguageFactory(code="fr"), LanguageFactory(code="de"))
    proposal.focus_groups.add(FocusGroupFactory(code="girls"))

    approve_proposal(proposal, actor=manager)

    event = Event.objects.get(proposal=proposal)
    assert event.status == Event.Status.SCHEDULED
    assert (event.title, event.city, event.country.code) == (proposal.title, "Luxembourg", "LU")
    assert (event.latitude, event.longitude) == (Decimal("49.61000"), Decimal("6.13000"))
    assert (event.starts_at, event.ends_at) == (proposal.starts_at, proposal.ends_at)
    assert (event.age_min, event.age_max) == (10, 16)
    assert event.language_codes == "de,fr"
    assert event.focus_group_codes == "girls"
    assert event.organisation_name == proposal.organisation.name
    assert event.published_at is not None
    private = {
        proposal.organisation.contact_email,
        proposal.organisation.contact_name,
        proposal.created_by.email,
        str(proposal.requested_amount),
    }
    public_values = {str(getattr(event, f.attname)) for f in Event._meta.concrete_fields}
    assert not private & public_values
    field_names = {f.name for f in Event._meta.get_fields()}
    assert not field_names & {"contact_email", "contact_name", "created_by", "requested_amount"}


def test_cancel_releases_the_budget_and_cancels_grant_and_event(programme, manager):
    proposal = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    grant = approve_proposal(proposal, actor=manager)

    cancel_grant(proposal, actor=manager, reason="The venue burned down.")

    programme.refresh_from_db()
    assert programme.reserved == Decimal("0.00")
    grant.refresh_from_db()
    assert grant.status == Grant.Status.CANCELLED
    assert grant.cancelled_at is not None
    assert Event.objects.get(proposal=proposal).status == Event.Status.CANCELLED
    assert Proposal.objects.get(pk=proposal.pk).status == S.CANCELLED


def test_a_cancelled_grant_keeps_its_number_and_the_next_one_counts_on(programme, manager):
    first = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    second = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    approve_proposal(first, actor=manager)
    cancel_grant(first, actor=manager, reason="Called off.")

    grant = approve_proposal(second, actor=manager)

    assert grant.reference == f"{PAST_CODE}-LU-0002"


@pytest.mark.parametrize(
    ("requested", "amount", "reserved_before", "error"),
    [
        pytest.param("400", "450", "0", AmountNotAllowed, id="more-than-requested"),
        pytest.param("600", None, "0", AmountNotAllowed, id="more-than-country-max"),
        pytest.param("400", "0", "0", AmountNotAllowed, id="zero"),
        pytest.param("400", None, "4700", BudgetExceeded, id="more-than-remaining-budget"),
    ],
)
def test_approve_refuses_an_amount_the_rules_do_not_allow_and_changes_nothing(
    requested, amount, reserved_before, error, programme, manager
):
    CountryProgramme.objects.filter(pk=programme.pk).update(reserved=Decimal(reserved_before))
    proposal = ProposalFactory(
        country_programme=programme, status=S.SUBMITTED, requested_amount=Decimal(requested)
    )
    before = _snapshot(proposal)

    with pytest.raises(error):
        approve_proposal(
            proposal, actor=manager, amount=None if amount is None else Decimal(amount)
        )

    assert _snapshot(proposal) == before
    assert before["status"] == S.SUBMITTED
    assert before["reserved"] == Decimal(reserved_before)
    assert Proposal.objects.get(pk=proposal.pk).decided_at is None


def test_approve_may_use_exactly_the_remaining_budget(programme, manager):
    CountryProgramme.objects.filter(pk=programme.pk).update(reserved=Decimal("4600"))
    proposal = ProposalFactory(country_programme=programme, status=S.SUBMITTED)

    approve_proposal(proposal, actor=manager)

    programme.refresh_from_db()
    assert programme.reserved == programme.budget


def test_submit_stamps_submitted_at():
    applicant = UserFactory()
    proposal = ProposalFactory()
    started = timezone.now()

    submit_in_window(proposal, actor=applicant)

    proposal.refresh_from_db()
    assert started <= proposal.submitted_at <= timezone.now()
    assert proposal.decided_at is None


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_a_decision_stamps_decided_at(action, programme, manager):
    proposal = ProposalFactory(country_programme=programme, status=S.SUBMITTED)
    started = timezone.now()

    ACTIONS[action](proposal, manager)

    proposal.refresh_from_db()
    assert started <= proposal.decided_at <= timezone.now()
    assert proposal.submitted_at is None  # set by submit only, never by a decision


def test_the_callers_instance_is_refreshed_after_a_transition():
    proposal = ProposalFactory()

    submit_in_window(proposal, actor=UserFactory())

    assert proposal.status == S.SUBMITTED
