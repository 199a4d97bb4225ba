"""Every eligibility rule with a failing and a passing case."""

import datetime as dt
from decimal import Decimal

import pytest

from events.eligibility import LIMIT_FIELDS, NON_FIELD, check_eligibility, limit_problems
from events.models import BudgetLine, Delivery
from organisations.models import OrganisationValidation
from tests.factories import LUXEMBOURG, PAST_YEAR, BudgetLineFactory, ProposalFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(PAST_YEAR, 6, 1, 12, 0, tzinfo=LUXEMBOURG)


def eligible(**fields):
    proposal = ProposalFactory(**fields)
    BudgetLineFactory(proposal=proposal, amount=Decimal("400.00"))
    OrganisationValidation.objects.create(
        organisation=proposal.organisation,
        edition=proposal.country_programme.edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    return proposal


def at(day, hour=10):
    return dt.datetime(PAST_YEAR, *day, hour, 0, tzinfo=LUXEMBOURG)


def test_a_complete_proposal_is_eligible():
    assert check_eligibility(eligible(), now=NOW) == {}


# (field expected in the errors, changes that break the rule, changes that keep it)
RULES = [
    (
        "starts_at",
        {"starts_at": at((6, 10)), "ends_at": at((6, 10), 12)},
        {"starts_at": at((6, 17))},
    ),
    ("ends_at", {"ends_at": at((11, 1))}, {"ends_at": at((10, 31))}),
    ("budget", {"requested_amount": Decimal("0")}, {"requested_amount": Decimal("0.01")}),
    ("budget", {"requested_amount": Decimal("500.01")}, {"requested_amount": Decimal("500.00")}),
    ("expected_participants", {"expected_participants": 9}, {"expected_participants": 10}),
    ("duration_minutes", {"duration_minutes": 89}, {"duration_minutes": 90}),
    ("age_min", {"age_min": 7}, {"age_min": 8}),
    ("age_max", {"age_max": 25}, {"age_max": 24}),
    ("free_for_participants", {"free_for_participants": False}, {"free_for_participants": True}),
    ("accepts_conditions", {"accepts_conditions": False}, {"accepts_conditions": True}),
    ("title", {"title": ""}, {"title": "Scratch"}),
    ("description", {"description": ""}, {"description": "Games in Scratch"}),
    ("format", {"format": ""}, {"format": "workshop"}),
    ("venue_name", {"venue_name": ""}, {"venue_name": "", "delivery": Delivery.ONLINE}),
    ("city", {"city": ""}, {"city": "", "delivery": Delivery.ONLINE}),
]


@pytest.mark.parametrize(("field", "broken", "kept"), RULES)
def test_rule_fails_and_passes(field, broken, kept):
    failing = check_eligibility(eligible(**broken), now=NOW)
    assert field in failing, failing
    assert all(message for message in failing[field])
    assert field not in check_eligibility(eligible(**kept), now=NOW)


def test_submission_after_the_deadline_is_refused():
    proposal = eligible()
    deadline = proposal.country_programme.deadline
    assert NON_FIELD not in check_eligibility(proposal, now=deadline)
    late = check_eligibility(proposal, now=deadline + dt.timedelta(minutes=1))
    assert "deadline" in " ".join(late[NON_FIELD])


def test_organisation_must_be_validated_for_the_edition():
    proposal = eligible()
    assert NON_FIELD not in check_eligibility(proposal, now=NOW)
    proposal.organisation.validations.update(status=OrganisationValidation.Status.REQUESTED)
    assert "validated" in " ".join(check_eligibility(proposal, now=NOW)[NON_FIELD])


def test_at_least_one_budget_line():
    proposal = eligible()
    assert "budget" not in check_eligibility(proposal, now=NOW)
    BudgetLine.objects.filter(proposal=proposal).delete()
    assert "budget" in check_eligibility(proposal, now=NOW)


@pytest.mark.parametrize(("field", "broken", "kept"), RULES)
def test_each_limit_warns_on_a_draft_as_it_refuses_on_submit(field, broken, kept):
    warned = limit_problems(eligible(**broken))
    if field in LIMIT_FIELDS and not (field == "budget" and broken["requested_amount"] <= 0):
        assert warned[field] == check_eligibility(eligible(**broken), now=NOW)[field]
    else:  # empty fields and declarations wait for the submit
        assert field not in warned
    assert field not in limit_problems(eligible(**kept))


def test_empty_fields_of_a_draft_give_no_warning():
    draft = ProposalFactory(
        starts_at=None,
        ends_at=None,
        duration_minutes=None,
        age_min=None,
        age_max=None,
        expected_participants=None,
        requested_amount=Decimal("0"),
    )
    assert limit_problems(draft) == {}
