"""A country's grants never exceed its budget, even when managers approve at the same moment.

Real threads, each with its own PostgreSQL connection, released together by a barrier: the row
locks in approve_proposal serialise them, and the CHECK on reserved <= budget backs that up.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.db.models import F, Sum

from events.models import Proposal
from grants.models import Grant
from grants.services import approve_proposal
from meetandcode.kernel.exceptions import BudgetExceeded, InvalidTransition
from programmes.models import CountryProgramme
from tests.factories import PAST_CODE, CountryProgrammeFactory, PartnerStaffFactory, ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JOIN_TIMEOUT_SECONDS = 30


def _approve_all_at_once(proposals: list[Proposal], actors: list) -> list:
    """Approve each proposal in its own thread, all released together; return what each got:
    a Grant or the exception it raised."""
    barrier = threading.Barrier(len(proposals))
    outcomes: list = [None] * len(proposals)

    def approve(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_SECONDS)
            outcomes[index] = approve_proposal(proposals[index], actor=actors[index])
        except Exception as exc:  # recorded, and asserted on by the test
            outcomes[index] = exc
        finally:
            connections.close_all()  # this thread's connection goes back, not left open

    _run_together(approve, len(proposals))
    return outcomes


def _run_together(target, count: int) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"


@pytest.fixture
def programme():
    return CountryProgrammeFactory(budget=Decimal("1000.00"), max_grant=Decimal("500.00"))


def test_five_managers_approving_at_once_never_overspend_the_budget(programme):
    proposals = [
        ProposalFactory(country_programme=programme, status=Proposal.Status.SUBMITTED)
        for _ in range(5)
    ]
    managers = [PartnerStaffFactory().user for _ in proposals]

    outcomes = _approve_all_at_once(proposals, managers)

    grants = [o for o in outcomes if isinstance(o, Grant)]
    refusals = [o for o in outcomes if isinstance(o, BudgetExceeded)]
    assert (len(grants), len(refusals)) == (2, 3), outcomes
    programme.refresh_from_db()
    assert programme.reserved == Decimal("800.00")
    active = Grant.objects.filter(country_programme=programme, status=Grant.Status.ACTIVE)
    assert active.aggregate(total=Sum("amount"))["total"] == programme.reserved
    assert sorted(active.values_list("sequence", flat=True)) == [1, 2]
    assert sorted(active.values_list("reference", flat=True)) == [
        f"{PAST_CODE}-LU-0001",
        f"{PAST_CODE}-LU-0002",
    ]
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    assert statuses == ["approved"] * 2 + ["submitted"] * 3


def test_the_database_refuses_an_overspend_without_the_service_check(programme, db_refuses):
    manager = PartnerStaffFactory().user
    for _ in range(2):
        proposal = ProposalFactory(country_programme=programme, status=Proposal.Status.SUBMITTED)
        approve_proposal(proposal, actor=manager)

    with db_refuses("programme_reserved_within_budget"):
        CountryProgramme.objects.filter(pk=programme.pk).update(reserved=F("reserved") + 500)

    programme.refresh_from_db()
    assert programme.reserved == Decimal("800.00")


def test_two_direct_reservations_at_once_cannot_both_pass_the_budget(programme):
    """Past the service, with no lock taken first: the CHECK alone keeps the budget."""
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def reserve(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_SECONDS)
            with transaction.atomic():
                outcomes[index] = CountryProgramme.objects.filter(pk=programme.pk).update(
                    reserved=F("reserved") + 600
                )
        except Exception as exc:  # recorded, and asserted on by the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    _run_together(reserve, 2)

    assert sorted(type(o).__name__ for o in outcomes) == ["IntegrityError", "int"], outcomes
    programme.refresh_from_db()
    assert programme.reserved == Decimal("600.00")


def test_two_managers_approving_the_same_proposal_make_one_grant(programme):
    proposal = ProposalFactory(country_programme=programme, status=Proposal.Status.SUBMITTED)
    managers = [PartnerStaffFactory().user for _ in range(2)]

    # Each manager loaded the proposal on their own page: two instances of the same row.
    copies = [Proposal.objects.get(pk=proposal.pk) for _ in managers]

    outcomes = _approve_all_at_once(copies, managers)

    assert sorted(type(o).__name__ for o in outcomes) == ["Grant", "InvalidTransition"], outcomes
    refusal = next(o for o in outcomes if isinstance(o, InvalidTransition))
    assert refusal.state == Proposal.Status.APPROVED
    assert Grant.objects.filter(proposal=proposal).count() == 1
    programme.refresh_from_db()
    assert programme.reserved == Decimal("400.00")


def test_two_managers_bulk_approving_at_once_get_a_result_each_and_never_overspend(programme):
    """The dashboard's bulk approval: one service call per proposal, so the lock and the CHECK
    hold across both managers' lists, and each refusal is a "budget exceeded" result."""
    from grants.services import bulk_decide

    lists = [
        [
            ProposalFactory(country_programme=programme, status=Proposal.Status.SUBMITTED)
            for _ in range(2)
        ]
        for _manager in range(2)
    ]
    managers = [PartnerStaffFactory(partner=programme.partner).user for _ in lists]
    barrier = threading.Barrier(2)
    outcomes: list = [None, None]

    def decide(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT_SECONDS)
            outcomes[index] = bulk_decide(lists[index], actor=managers[index], decision="approve")
        except Exception as exc:  # recorded, and asserted on by the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    _run_together(decide, 2)

    results = [result for outcome in outcomes for result in outcome]
    assert sorted(r.ok for r in results) == [False, False, True, True], outcomes
    assert all("Budget exceeded" in r.message for r in results if not r.ok)
    programme.refresh_from_db()
    assert programme.reserved == Decimal("800.00")
    assert Proposal.objects.filter(status=Proposal.Status.APPROVED).count() == 2
