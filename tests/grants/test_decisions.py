"""Decisions of national partner managers: approve within the budget, reject with a reason,
request changes, cancel a grant, and bulk decisions with a result per proposal."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal
from grants.models import Grant
from grants.services import (
    approve_proposal,
    bulk_decide,
    cancel_grant,
    reject_proposal,
    rejection_reason,
    request_changes,
)
from meetandcode.kernel.exceptions import DomainError
from organisations.audit import entries_for
from organisations.models import PartnerStaff
from programmes.models import CountryProgramme
from tests.factories import PAST_CODE, CountryProgrammeFactory, PartnerStaffFactory, ProposalFactory

pytestmark = pytest.mark.django_db

S = Proposal.Status


@pytest.fixture
def programme():
    return CountryProgrammeFactory(budget=Decimal("1000.00"), max_grant=Decimal("500.00"))


@pytest.fixture(autouse=True)
def before_the_events(programme):
    """The clock on 1 September of the edition: the factory's events (14 September) are ahead."""
    moment = dt.datetime(programme.edition.year, 9, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


@pytest.fixture
def reviewer(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER).user


def _submitted(programme, amount="400.00", **fields):
    return ProposalFactory(
        country_programme=programme,
        status=S.SUBMITTED,
        requested_amount=Decimal(amount),
        **fields,
    )


@pytest.mark.parametrize(
    "decide",
    [
        lambda p, who: approve_proposal(p, actor=who),
        lambda p, who: reject_proposal(p, actor=who, reason="Not a coding event."),
        lambda p, who: request_changes(p, actor=who, message="Add the venue."),
    ],
    ids=["approve", "reject", "request_changes"],
)
def test_a_reviewer_or_another_countrys_manager_cannot_decide(programme, reviewer, decide):
    proposal = _submitted(programme)
    belgian = PartnerStaffFactory(partner__countries=["BE"]).user

    for outsider in (reviewer, belgian):
        with pytest.raises(PermissionDenied):
            decide(proposal, outsider)

    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert not entries_for(proposal).exists()


def test_a_reviewer_cannot_cancel_a_grant(programme, manager, reviewer):
    proposal = _submitted(programme)
    approve_proposal(proposal, actor=manager)

    with pytest.raises(PermissionDenied):
        cancel_grant(proposal, actor=reviewer, reason="No.")
    assert Grant.objects.get(proposal=proposal).status == Grant.Status.ACTIVE


def test_a_rejection_reason_is_a_template_sentence_plus_free_text():
    assert rejection_reason("not_free", "Tickets cost 5 EUR.") == (
        "The event is not free for all participants.\n\nTickets cost 5 EUR."
    )
    assert rejection_reason("other", "Duplicate of proposal 12.") == "Duplicate of proposal 12."
    with pytest.raises(DomainError):
        rejection_reason("other", "  ")
    with pytest.raises(DomainError):
        rejection_reason("no-such-template")


def test_a_decision_needs_a_message(programme, manager):
    proposal = _submitted(programme)

    with pytest.raises(DomainError):
        reject_proposal(proposal, actor=manager, reason=" ")
    with pytest.raises(DomainError):
        request_changes(proposal, actor=manager, message="")
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_bulk_approve_gives_a_result_per_proposal_and_stops_at_the_budget(programme, manager):
    fits = [_submitted(programme, "400.00"), _submitted(programme, "500.00")]
    too_much = _submitted(programme, "300.00")  # 100 remain after the first two
    decided = _submitted(programme)
    Proposal.objects.filter(pk=decided.pk).update(status=S.REJECTED)

    results = bulk_decide([*fits, too_much, decided], actor=manager, decision="approve")

    assert [r.ok for r in results] == [True, True, False, False]
    assert "Budget exceeded: EUR 100.00 remain" in results[2].message
    assert "the proposal is now “Rejected”" in results[3].message
    programme.refresh_from_db()
    assert programme.reserved == Decimal("900.00")
    assert [r.proposal.status for r in results] == [S.APPROVED, S.APPROVED, S.SUBMITTED, S.REJECTED]
    assert results[0].grant.reference == f"{PAST_CODE}-LU-0001"


def test_bulk_reject_sends_the_same_reason_to_each(programme, manager):
    proposals = [_submitted(programme) for _ in range(3)]
    reason = rejection_reason("quality", "Try again next year.")

    results = bulk_decide(proposals, actor=manager, decision="reject", reason=reason)

    assert all(r.ok for r in results)
    for proposal in proposals:
        proposal.refresh_from_db()
        assert proposal.status == S.REJECTED
        entry = entries_for(proposal).first()
        assert (entry.action, entry.actor, entry.message) == ("proposal.reject", manager, reason)


def test_bulk_decisions_by_a_reviewer_all_fail_and_change_nothing(programme, reviewer):
    proposals = [_submitted(programme) for _ in range(2)]

    results = bulk_decide(proposals, actor=reviewer, decision="approve")

    assert [r.ok for r in results] == [False, False]
    assert "manager" in results[0].message
    assert CountryProgramme.objects.get(pk=programme.pk).reserved == 0


def test_programme_staff_decide_in_every_country(programme):
    from tests.factories import UserFactory

    staff = UserFactory(is_programme_staff=True)
    proposal = _submitted(programme)

    grant = approve_proposal(proposal, actor=staff, amount=Decimal("250"))

    assert grant.amount == Decimal("250")


# --- Through the dashboard ----------------------------------------------------------------------


@pytest.fixture
def manager_client(client, two_factor_login, manager):
    return two_factor_login(client, manager)


@pytest.fixture
def reviewer_client(client, two_factor_login, reviewer):
    return two_factor_login(client, reviewer)


DECISIONS = {
    "approve": {"amount": "400.00"},
    "reject": {"reason_template": "not_coding", "reason_text": ""},
    "request_changes": {"message": "Add the venue."},
}


@pytest.mark.parametrize("action", DECISIONS)
def test_a_reviewer_gets_403_on_every_decision(reviewer_client, programme, action):
    proposal = _submitted(programme)

    response = reviewer_client.post(
        reverse(f"grants:{action}", args=[proposal.pk]), DECISIONS[action]
    )

    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_a_reviewer_gets_403_on_bulk_and_cancel(reviewer_client, programme, manager):
    proposal = _submitted(programme)
    approve_proposal(proposal, actor=manager)

    cancel = reviewer_client.post(
        reverse("grants:cancel_grant", args=[proposal.pk]), {"reason": "No."}
    )
    bulk = reviewer_client.post(
        reverse("grants:bulk_decide"), {"proposals": [proposal.pk], "decision": "reject"}
    )

    assert (cancel.status_code, bulk.status_code) == (403, 403)


def test_a_manager_of_another_country_gets_404(client, two_factor_login, programme):
    proposal = _submitted(programme)
    two_factor_login(client, PartnerStaffFactory(partner__countries=["BE"]).user)

    response = client.post(reverse("grants:approve", args=[proposal.pk]), {"amount": "400"})

    assert response.status_code == 404


def test_a_manager_approves_a_smaller_amount_and_the_budget_is_reserved(manager_client, programme):
    proposal = _submitted(programme)

    response = manager_client.post(
        reverse("grants:approve", args=[proposal.pk]), {"amount": "350.00"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED
    assert proposal.grant.amount == Decimal("350.00")
    programme.refresh_from_db()
    assert programme.reserved == Decimal("350.00")
    assert entries_for(proposal).first().actor is not None


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("450.00", "At most the requested amount, EUR 400.00."),
        ("", "Enter the amount to grant."),
        ("-5", "greater than or equal to 0.01"),
    ],
)
def test_a_wrong_amount_comes_back_with_the_error_next_to_the_field(
    manager_client, programme, amount, message
):
    proposal = _submitted(programme)

    response = manager_client.post(
        reverse("grants:approve", args=[proposal.pk]), {"amount": amount}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'id="error_1_id_amount"' in html  # crispy puts the error under the field
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_more_than_the_country_maximum_is_refused(manager_client, programme):
    proposal = _submitted(programme, "600.00")

    response = manager_client.post(reverse("grants:approve", args=[proposal.pk]), {"amount": "600"})

    assert response.status_code == 400
    assert "At most the country&#x27;s maximum grant, EUR 500.00." in response.content.decode()


def test_budget_exceeded_shows_the_remaining_budget_and_keeps_the_amount(
    manager_client, programme, manager
):
    for amount in ("500.00", "400.00"):
        approve_proposal(_submitted(programme, amount), actor=manager)
    proposal = _submitted(programme, "300.00")

    response = manager_client.post(reverse("grants:approve", args=[proposal.pk]), {"amount": "300"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Budget exceeded: EUR 100.00 remain" in html
    assert 'value="300"' in html
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_a_manager_rejects_with_a_template_reason_and_free_text(manager_client, programme):
    proposal = _submitted(programme)

    response = manager_client.post(
        reverse("grants:reject", args=[proposal.pk]),
        {"reason_template": "not_free", "reason_text": "Tickets cost 5 EUR."},
    )

    assert response.status_code == 302
    entry = entries_for(proposal).first()
    assert entry.action == "proposal.reject"
    assert entry.message.startswith("The event is not free for all participants.")
    assert entry.message.endswith("Tickets cost 5 EUR.")


def test_other_reason_without_text_is_refused_next_to_the_text(manager_client, programme):
    proposal = _submitted(programme)

    response = manager_client.post(
        reverse("grants:reject", args=[proposal.pk]), {"reason_template": "other"}
    )

    assert response.status_code == 400
    assert "Explain the reason in your own words." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_a_manager_requests_changes_and_the_proposal_goes_back(manager_client, programme):
    proposal = _submitted(programme)

    response = manager_client.post(
        reverse("grants:request_changes", args=[proposal.pk]), {"message": "Add the venue."}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.CHANGES_REQUESTED


def test_a_manager_cancels_a_grant_and_the_budget_is_released(manager_client, programme, manager):
    proposal = _submitted(programme)
    approve_proposal(proposal, actor=manager)

    empty = manager_client.post(reverse("grants:cancel_grant", args=[proposal.pk]), {"reason": ""})
    done = manager_client.post(
        reverse("grants:cancel_grant", args=[proposal.pk]), {"reason": "The venue closed."}
    )

    assert empty.status_code == 400 and "Say why the grant is cancelled." in empty.content.decode()
    assert done.status_code == 302
    programme.refresh_from_db()
    assert programme.reserved == 0
    assert Grant.objects.get(proposal=proposal).status == Grant.Status.CANCELLED


def test_bulk_approve_asks_to_confirm_then_lists_each_result(manager_client, programme):
    fits = [_submitted(programme, "500.00"), _submitted(programme, "400.00")]
    too_much = _submitted(programme, "300.00")
    ids = [p.pk for p in [*fits, too_much]]
    url = reverse("grants:bulk_decide")

    confirm = manager_client.post(url, {"proposals": ids, "decision": "approve"})
    assert confirm.status_code == 200
    assert "Approve these proposals?" in confirm.content.decode()
    assert not Grant.objects.exists()

    response = manager_client.post(url, {"proposals": ids, "decision": "approve", "confirm": "yes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 done, 1 not done." in html
    assert "Budget exceeded: EUR 100.00 remain" in html
    assert html.count('data-result="done"') == 2
    assert html.count('data-result="not-done"') == 1
    assert f"{PAST_CODE}-LU-0001" in html
    statuses = {p.pk: p.status for p in Proposal.objects.filter(pk__in=ids)}
    assert statuses == {fits[0].pk: S.APPROVED, fits[1].pk: S.APPROVED, too_much.pk: S.SUBMITTED}


def test_bulk_reject_needs_a_reason_then_rejects_each(manager_client, programme):
    proposals = [_submitted(programme) for _ in range(2)]
    ids = [p.pk for p in proposals]
    url = reverse("grants:bulk_decide")

    missing = manager_client.post(url, {"proposals": ids, "decision": "reject", "confirm": "yes"})
    assert missing.status_code == 400
    assert "Choose a reason for the rejection." in missing.content.decode()

    response = manager_client.post(
        url,
        {
            "proposals": ids,
            "decision": "reject",
            "reason_template": "quality",
            "reason_text": "Try again next year.",
            "confirm": "yes",
        },
    )

    assert response.status_code == 200
    assert "2 done, 0 not done." in response.content.decode()
    assert set(Proposal.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.REJECTED}


def test_bulk_ignores_proposals_of_another_country(manager_client, programme):
    ours = _submitted(programme)
    belgian = ProposalFactory(
        country_programme=CountryProgrammeFactory(country="BE"), status=S.SUBMITTED
    )

    response = manager_client.post(
        reverse("grants:bulk_decide"),
        {"proposals": [ours.pk, belgian.pk], "decision": "approve", "confirm": "yes"},
    )

    assert response.status_code == 400  # the foreign id is not a valid choice
    belgian.refresh_from_db()
    ours.refresh_from_db()
    assert (ours.status, belgian.status) == (S.SUBMITTED, S.SUBMITTED)


def test_the_proposal_page_shows_the_review_and_decision_forms_to_a_manager(
    manager_client, programme
):
    proposal = _submitted(programme)

    html = manager_client.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()

    assert reverse("grants:approve", args=[proposal.pk]) in html
    assert reverse("grants:review", args=[proposal.pk]) in html
    assert 'value="400.00"' in html  # the amount defaults to the requested one


def test_the_proposal_page_shows_no_decision_forms_to_a_reviewer(reviewer_client, programme):
    proposal = _submitted(programme)

    html = reviewer_client.get(reverse("grants:proposal", args=[proposal.pk])).content.decode()

    assert reverse("grants:approve", args=[proposal.pk]) not in html
    assert reverse("grants:review", args=[proposal.pk]) in html


# --- Approving an event that is already over --------------------------------------------------


def _over(programme, days_ago: int, **fields):
    """A submitted proposal whose two-hour event ended ``days_ago`` days ago."""
    ends = timezone.now() - dt.timedelta(days=days_ago)
    return _submitted(programme, starts_at=ends - dt.timedelta(hours=2), ends_at=ends, **fields)


def words_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_approving_an_event_that_ended_yesterday_asks_to_confirm_and_approves_nothing(
    manager_client, programme
):
    proposal = _over(programme, days_ago=1)
    url = reverse("grants:approve", args=[proposal.pk])

    response = manager_client.post(url, {"amount": "400.00"})

    assert response.status_code == 200
    page = words_of(response)
    assert "This event is already over. Approve it anyway?" in page
    assert "Its report is due soon, by" in page  # 48 hours after the end: tomorrow
    assert "The grant is paid only after the report is accepted." in page
    assert 'name="confirm_past_event" value="yes"' in response.content.decode()
    assert "Approve anyway" in page
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and not Grant.objects.exists()
    programme.refresh_from_db()
    assert programme.reserved == 0


def test_the_confirmed_approval_of_an_event_that_is_over_goes_through(manager_client, programme):
    proposal = _over(programme, days_ago=1)
    url = reverse("grants:approve", args=[proposal.pk])

    response = manager_client.post(url, {"amount": "350.00", "confirm_past_event": "yes"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED and proposal.grant.amount == Decimal("350.00")


def test_an_event_over_long_ago_says_the_report_is_overdue_at_once(manager_client, programme):
    CountryProgramme.objects.filter(pk=programme.pk).update(
        payment_timing=CountryProgramme.PaymentTiming.BEFORE_EVENT
    )
    proposal = _over(programme, days_ago=30)

    response = manager_client.post(
        reverse("grants:approve", args=[proposal.pk]), {"amount": "400.00"}
    )

    page = words_of(response)
    assert response.status_code == 200
    assert "it is overdue from the moment of approval" in page
    assert "paid only after the report" not in page  # this country pays before the event
    assert not Grant.objects.exists()


def test_a_future_event_is_approved_in_one_step(manager_client, programme):
    proposal = _submitted(programme)
    assert proposal.ends_at > timezone.now()

    response = manager_client.post(
        reverse("grants:approve", args=[proposal.pk]), {"amount": "400.00"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.APPROVED


def test_bulk_approval_lists_the_events_that_are_over_and_needs_their_confirmation(
    manager_client, programme
):
    over = _over(programme, days_ago=3, title="Summer robots")
    ahead = _submitted(programme, title="Autumn games")
    chosen = {"proposals": [over.pk, ahead.pk], "decision": "approve"}
    url = reverse("grants:bulk_decide")

    confirm = manager_client.post(url, chosen)
    unconfirmed = manager_client.post(url, {**chosen, "confirm": "yes"})

    late_list = words_of(confirm).split("already over:")[1].split("Untick any")[0]
    assert confirm.status_code == 200
    assert "Summer robots" in late_list and "Autumn games" not in late_list
    assert "it is overdue from the moment of approval" in late_list
    assert 'name="confirm_past_event" value="yes"' in confirm.content.decode()
    assert unconfirmed.status_code == 200 and "already over" in words_of(unconfirmed)
    assert not Grant.objects.exists()

    done = manager_client.post(url, {**chosen, "confirm": "yes", "confirm_past_event": "yes"})

    assert "2 done, 0 not done." in words_of(done)
    assert Grant.objects.count() == 2


def test_bulk_approval_of_future_events_only_needs_no_extra_confirmation(manager_client, programme):
    ahead = _submitted(programme)
    url = reverse("grants:bulk_decide")

    confirm = manager_client.post(url, {"proposals": [ahead.pk], "decision": "approve"})
    done = manager_client.post(
        url, {"proposals": [ahead.pk], "decision": "approve", "confirm": "yes"}
    )

    assert "already over" not in words_of(confirm)
    assert "1 done, 0 not done." in words_of(done)


def test_the_queue_offers_to_select_only_proposals_a_decision_can_still_be_taken_on(
    manager_client, programme
):
    waiting = _submitted(programme)
    approved = _submitted(programme)
    approve_proposal(approved, actor=PartnerStaff.objects.get(role="manager").user)

    html = manager_client.get(reverse("grants:dashboard"), {"status": ""}).content.decode()

    assert f'id="select-{waiting.pk}"' in html
    assert f'data-proposal="{approved.pk}"' in html  # listed ...
    assert f'id="select-{approved.pk}"' not in html  # ... but not selectable
