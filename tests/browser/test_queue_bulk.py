"""Bulk decisions in the queue, in a real browser (static/js/queue-bulk.js): select the page, or
everything that matches the filters; a running total per country against its remaining
budget, in the page's language, before the confirm step."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Proposal
from organisations.models import PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    PartnerFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partner():
    partner = PartnerFactory(countries=["LU", "BE"])
    edition = EditionFactory(year=timezone.localdate().year + 1)
    lu = CountryProgrammeFactory(
        edition=edition, country="LU", partner=partner, budget=Decimal("1000.00")
    )
    be = CountryProgrammeFactory(
        edition=edition, country="BE", partner=partner, budget=Decimal("5000.00")
    )
    start = timezone.now() - dt.timedelta(days=1)
    for n, (programme, amount) in enumerate([(lu, "450.00"), (lu, "350.00"), (be, "300.00")]):
        ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.SUBMITTED,
            title=f"Robots {n}",
            requested_amount=Decimal(amount),
            submitted_at=start + dt.timedelta(minutes=n),
        )
    return partner


@pytest.fixture
def manager_page(page, live_server, partner, two_factor_login):
    user = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user
    client = two_factor_login(Client(), user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def _total(page, country):
    return page.locator(f'#bulk-total tr[data-country="{country}"]')


def test_the_running_total_follows_the_selection_per_country_in_the_page_s_language(
    manager_page,
):
    page = manager_page
    page.goto("/de/partner/?todo=all")
    lu, be = _total(page, "LU"), _total(page, "BE")
    expect(lu.locator(".selected-count")).to_have_text("0")
    page.get_by_label("„Robots 0“ auswählen").check()
    expect(lu.locator(".selected-count")).to_have_text("1")
    expect(lu.locator(".selected-total")).to_have_text("450,00 EUR")
    expect(lu.locator(".over-budget")).to_be_hidden()
    page.get_by_label("„Robots 1“ auswählen").check()
    page.get_by_label("„Robots 1“ auswählen").uncheck()
    expect(lu.locator(".selected-total")).to_have_text("450,00 EUR")

    page.locator("#select-page").check()  # the whole page: 800 of 1,000 left in Luxembourg
    expect(lu.locator(".selected-total")).to_have_text("800,00 EUR")
    expect(be.locator(".selected-total")).to_have_text("300,00 EUR")
    expect(lu.locator(".over-budget")).to_be_hidden()
    page.locator("#select-page").uncheck()
    expect(lu.locator(".selected-count")).to_have_text("0")


def test_over_the_remaining_budget_is_marked_before_continuing(manager_page, partner):
    programme = partner.country_programmes.get(country="LU")
    ProposalFactory(
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Robots 3",
        requested_amount=Decimal("400.00"),
    )
    page = manager_page
    page.goto("/partner/?todo=all&country=LU")
    page.locator("#select-page").check()
    lu = _total(page, "LU")
    expect(lu.locator(".selected-total")).to_have_text("EUR 1,200.00")
    expect(lu.locator(".over-budget")).to_be_visible()
    expect(lu).to_have_class(re.compile(r"\btext-danger\b"))


def _two_pages_in_belgium(partner) -> None:
    """55 more proposals of 100 EUR in Belgium: 56 there, more than a page of the queue."""
    programme = partner.country_programmes.get(country="BE")
    for n in range(55):
        ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.SUBMITTED,
            title=f"Robots extra {n}",
            requested_amount=Decimal("100.00"),
        )


def test_select_all_that_match_the_filters_reaches_every_page(manager_page, partner):
    _two_pages_in_belgium(partner)
    page = manager_page
    page.goto("/partner/?todo=all&country=BE")
    expect(page.locator("#queue-total")).to_contain_text("56 proposals")
    page.get_by_role("button", name="Select all 56 proposals that match the filters").click()
    be = _total(page, "BE")
    expect(be.locator(".selected-count")).to_have_text("56")
    expect(be.locator(".selected-total")).to_have_text("EUR 5,800.00")
    expect(page.locator("#matching-selected")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Approve these proposals?")
    expect(page.locator("tr[data-proposal]")).to_have_count(56)


def test_unticking_one_row_drops_the_whole_match(manager_page, partner):
    _two_pages_in_belgium(partner)
    page = manager_page
    page.goto("/partner/?todo=all&country=BE")
    page.get_by_role("button", name="Select all 56 proposals that match the filters").click()
    page.get_by_label("Select “Robots 2”").uncheck()
    expect(page.locator("#matching-selected")).to_be_hidden()
    expect(_total(page, "BE").locator(".selected-count")).to_have_text("49")
