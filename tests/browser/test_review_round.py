"""A manager's round for one country in a real browser, measured (issue 17): from opening the
queue to 20 proposals reviewed and decided, counting the page loads and the clicks.

The numbers are written in docs/usage.md ("A round of reviews, measured"); the test pins them, so
the page keeps its promise: at most two page loads per proposal reviewed.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Proposal
from grants.models import Grant, Review
from organisations.models import PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPOSALS = 20
AMOUNT = Decimal("400.00")
FUNDED = 15  # the budget's worth of proposals: the confirm page shows where it runs out
CRITERIA = ("Relevance", "Feasibility")


@pytest.fixture
def programme():
    # Next year's edition: the events are still to come, so approving them takes one click.
    programme = CountryProgrammeFactory(
        edition=EditionFactory(year=timezone.localdate().year + 1),
        budget=AMOUNT * FUNDED,
        max_grant=Decimal("500.00"),
    )
    for name in CRITERIA:
        ReviewCriterionFactory(edition=programme.edition, name=name)
    for n in range(PROPOSALS):
        ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.SUBMITTED,
            title=f"Coding club {n + 1:02d}",
            requested_amount=AMOUNT,
            submitted_at=timezone.now() - dt.timedelta(minutes=PROPOSALS - n),
        )
    return programme


@pytest.fixture
def manager(programme):
    return PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user


class Counted:
    """The page, counting its loads (a redirect after a form is part of one load) and the
    clicks made through it."""

    def __init__(self, page):
        self.page, self.loads, self.clicks = page, 0, 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()


def _signed_in(page, live_server, manager, two_factor_login):
    client = two_factor_login(Client(), manager)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def _round(page, manager, programme, review) -> Counted:
    """Open the queue, review the 20 proposals one after the other (``review`` scores one and
    saves it, going on to the next), then approve them all from the queue."""
    counted = Counted(page)
    page.goto("/partner/")  # 1: ready to decide, nothing reviewed yet
    expect(page.locator("#queue-total")).to_contain_text("0 proposals")
    todo = page.locator(".queue-todo")
    counted.click(todo.get_by_role("link", name="Awaiting my review"))  # 2
    expect(page.locator("#queue-total")).to_contain_text(f"{PROPOSALS} proposals")
    counted.click(page.get_by_role("link", name="Coding club 01"))  # 3

    for n in range(PROPOSALS):  # loads 4 to 23: "save and next" each time
        expect(page.locator("h1")).to_have_text(f"Coding club {n + 1:02d}")
        expect(page.locator("#pager-position")).to_have_text(f"1 of {PROPOSALS - n} in your list")
        review(counted, page.locator("#review-form"), 5 - n // 5)  # five of each score, 5 to 2

    # After the last one: back to the queue, the list of reviews to do is empty.
    last = page.locator(".alert", has_text="That was the last proposal in your list.")
    expect(last).to_be_visible()
    assert Review.objects.filter(reviewer=manager).count() == PROPOSALS
    counted.click(todo.get_by_role("link", name="Ready to decide"))  # 24
    expect(page.locator("#queue-total")).to_contain_text(f"{PROPOSALS} proposals")

    counted.click(page.locator("#select-page"))  # every row of the page
    total = page.locator(f'#bulk-total tr[data-country="{programme.country.code}"]')
    expect(total.locator(".selected-count")).to_have_text(str(PROPOSALS))
    expect(total.locator(".over-budget")).to_be_visible()  # 20 × 400 against 15 × 400
    counted.click(page.get_by_role("button", name="Continue"))  # 25: confirm, by score
    expect(page.locator("h1")).to_have_text("Approve these proposals?")
    expect(page.locator(".budget-line")).to_have_count(1)
    # the line sits after the 15 best: the 5 of the lowest score are below it
    below = page.locator(".budget-line ~ tr[data-proposal]")
    expect(below).to_have_count(PROPOSALS - FUNDED)

    counted.click(page.get_by_role("button", name="Approve the selected proposals"))  # 26
    expect(page.get_by_role("status")).to_contain_text(f"{FUNDED} done, {PROPOSALS - FUNDED}")

    funded = Grant.objects.filter(country_programme=programme)
    assert set(funded.values_list("proposal__title", flat=True)) == {
        f"Coding club {n + 1:02d}" for n in range(FUNDED)
    }
    return counted


def test_a_manager_reviews_and_decides_20_proposals_in_26_page_loads(
    page, live_server, programme, manager, two_factor_login
):
    _signed_in(page, live_server, manager, two_factor_login)

    def with_the_mouse(counted, form, score):
        for name in CRITERIA:
            counted.click(form.get_by_role("group", name=name).get_by_label(str(score)))
        counted.click(form.get_by_role("button", name=re.compile("^Save review and ")))

    counted = _round(page, manager, programme, with_the_mouse)
    # the numbers of docs/usage.md ("A round of reviews, measured")
    assert counted.loads == 26, counted.loads
    assert counted.loads <= 2 * PROPOSALS
    assert counted.clicks == 66, counted.clicks


def test_the_same_round_with_the_keyboard_takes_6_clicks(
    page, live_server, programme, manager, two_factor_login
):
    _signed_in(page, live_server, manager, two_factor_login)
    keys = []

    def with_the_keyboard(_counted, form, score):
        # the shortcuts' button shows once the page's script runs: the keys work from then on
        expect(page.locator("[data-shortcuts-open]")).to_be_visible()
        for key in [str(score)] * len(CRITERIA) + ["s"]:
            page.keyboard.press(key)
            keys.append(key)

    counted = _round(page, manager, programme, with_the_keyboard)
    assert counted.loads == 26, counted.loads
    assert counted.clicks == 6, counted.clicks
    assert len(keys) == 3 * PROPOSALS
