"""Payments and programme figures in a real browser: Chart.js (vendored) draws the four charts
from the page's JSON, the tables beside them carry the same numbers, and axe finds no serious
violation on the figures, the payments list and a grant's payment page (phone-sized)."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import Proposal, Report
from tests.browser.test_accessibility import _assert_accessible
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    GrantFactory,
    ProposalFactory,
    ReportFactory,
    UserFactory,
    log_in_with_second_factor,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page, live_server):
    edition = EditionFactory(year=PAST_YEAR)
    for country in ("LU", "BE"):
        programme = CountryProgrammeFactory(edition=edition, country=country)
        proposal = ProposalFactory(country_programme=programme, status=Proposal.Status.APPROVED)
        GrantFactory(proposal=proposal, amount=Decimal("300"))
        ReportFactory(proposal=proposal, status=Report.Status.ACCEPTED)
    client = log_in_with_second_factor(Client(), UserFactory(is_programme_staff=True))
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page


def test_the_charts_are_drawn_and_the_page_is_accessible(staff_page):
    page = staff_page
    page.goto("/partner/figures/")
    expect(page.locator("tfoot [data-figure='participants']")).to_have_text("36")
    for chart in ("countries", "ages", "genders", "focus"):
        drawn = page.wait_for_function(
            f"() => window.Chart && Chart.getChart(document.getElementById('chart-{chart}'))"
        )
        assert drawn
    data = page.evaluate("() => Chart.getChart(document.getElementById('chart-genders')).data")
    assert data["datasets"][0]["data"] == [18, 16, 2]
    expect(page.locator("#table-genders [data-figure='gender_female']")).to_have_text("18")
    _assert_accessible(page)


def test_the_payment_pages_are_accessible(staff_page):
    page = staff_page
    page.goto("/partner/payments/")
    expect(page.locator(".payments-table tbody tr")).to_have_count(2)
    _assert_accessible(page)
    page.locator(".payments-table tbody tr a").first.click()
    expect(page.locator("#payment-state")).to_have_text("Ready to be paid")
    page.get_by_label("Payment reference").fill("BANK-1")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("#payment-state")).to_have_text("Paid")
    _assert_accessible(page)
