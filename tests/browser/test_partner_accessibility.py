"""axe-core finds no serious or critical violation on the partner's review queue and proposal
page (phone-sized, as tests/browser/test_accessibility.py checks the applicant's pages), and the
queue's filters and proposals are reachable with the keyboard alone."""

import datetime as dt

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import Proposal
from organisations.models import OrganisationValidation, PartnerStaff
from tests.browser.test_accessibility import _assert_accessible
from tests.factories import (
    LUXEMBOURG,
    PAST_YEAR,
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    FocusGroupFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
    ReviewFactory,
    ReviewScoreFactory,
    log_in_with_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner_page(page, live_server):
    """A manager of Luxembourg's partner, past two-factor, with a queue of three proposals."""
    edition = EditionFactory(year=PAST_YEAR)
    programme = CountryProgrammeFactory(edition=edition, country="LU")
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    criterion = ReviewCriterionFactory(edition=edition, name="Reach", description="Who it reaches")
    girls = FocusGroupFactory(code="girls", name="Girls")
    proposals = []
    for n, status in enumerate([Proposal.Status.SUBMITTED] * 2 + [Proposal.Status.REJECTED]):
        proposal = ProposalFactory(
            country_programme=programme,
            status=status,
            title=f"{['Robots', 'Scratch', 'Python'][n]} workshop",
            submitted_at=dt.datetime(PAST_YEAR, 6, 1 + n, 9, tzinfo=LUXEMBOURG),
        )
        proposal.focus_groups.add(girls)
        BudgetLineFactory(proposal=proposal, amount=proposal.requested_amount)
        review = ReviewFactory(proposal=proposal)
        ReviewScoreFactory(review=review, criterion=criterion, score=3 + n % 3)
        proposals.append(proposal)
    OrganisationValidation.objects.create(
        organisation=proposals[0].organisation,
        edition=edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    client = log_in_with_second_factor(Client(), manager)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page, proposals


def test_the_queue_has_no_serious_violation(partner_page):
    page, _proposals = partner_page
    page.goto("/partner/?todo=all")
    expect(page.locator(".queue-table tbody tr")).to_have_count(3)
    expect(page.locator(".budget-bar")).to_have_count(1)
    _assert_accessible(page)


def test_the_queue_with_filter_errors_has_no_serious_violation(partner_page):
    page, _proposals = partner_page
    page.goto("/partner/?min_score=9&status=submitted&sort=-score")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    _assert_accessible(page)


def test_the_proposal_page_has_no_serious_violation(partner_page):
    page, proposals = partner_page
    page.goto(f"/partner/proposals/{proposals[0].pk}/")
    expect(page.locator("h1")).to_have_text("Robots workshop")
    expect(page.locator("#organisation-validation")).to_contain_text("Validated")
    _assert_accessible(page)


def test_the_queue_works_with_the_keyboard_alone(partner_page):
    page, proposals = partner_page
    page.goto("/partner/?todo=all")
    # Filter: type a search, submit with Enter.
    page.locator("#id_q").focus()
    page.keyboard.type("python")
    page.keyboard.press("Enter")
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    assert "q=python" in page.url
    # Tab from the search field until the proposal's link has the focus, then open it.
    link = page.get_by_role("link", name="Python workshop")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the proposal's link is never reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/partner/proposals/{proposals[2].pk}/")
