"""The review pages' keyboard shortcuts in a real browser (static/js/workbench.js): j and k go to
the next and previous proposal, 1 to 5 score the criterion holding the focus, s saves, ? shows
the list; none of them fires while typing in a field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Proposal
from grants.models import Review
from organisations.models import PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposals():
    programme = CountryProgrammeFactory(
        edition=EditionFactory(year=timezone.localdate().year + 1), budget=Decimal("5000.00")
    )
    for name in ("Relevance", "Feasibility"):
        ReviewCriterionFactory(edition=programme.edition, name=name)
    return [
        ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.SUBMITTED,
            title=f"Workshop {n}",
            submitted_at=timezone.now() - dt.timedelta(hours=3 - n),
        )
        for n in range(3)
    ]


@pytest.fixture
def reviewer_page(page, live_server, proposals, two_factor_login):
    partner = proposals[0].country_programme.partner
    user = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
    client = two_factor_login(Client(), user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    page.reviewer = user
    return page


def _open(page, proposal):
    page.goto(f"/partner/proposals/{proposal.pk}/")
    expect(page.locator("h1")).to_have_text(proposal.title)
    # the shortcuts' button shows once the page's script runs: the keys work from then on
    expect(page.locator("[data-shortcuts-open]")).to_be_visible()


def test_j_and_k_open_the_next_and_previous_proposal(reviewer_page, proposals):
    page = reviewer_page
    _open(page, proposals[1])
    page.keyboard.press("j")
    expect(page.locator("h1")).to_have_text("Workshop 2")
    expect(page.locator("[data-shortcuts-open]")).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator("h1")).to_have_text("Workshop 1")
    expect(page.locator("[data-shortcuts-open]")).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator("h1")).to_have_text("Workshop 0")


def test_digits_score_the_criterion_holding_the_focus_and_s_saves(reviewer_page, proposals):
    page = reviewer_page
    _open(page, proposals[0])
    form = page.locator("#review-form")
    feasibility = form.get_by_role("group", name="Feasibility")
    feasibility.get_by_label("1").focus()
    page.keyboard.press("3")
    expect(feasibility.get_by_label("3")).to_be_checked()
    expect(form.get_by_role("group", name="Relevance").locator("input:checked")).to_have_count(0)
    page.keyboard.press("4")  # the focus stayed on the last criterion: it changes to 4
    expect(feasibility.get_by_label("4")).to_be_checked()
    form.get_by_role("group", name="Relevance").get_by_label("2").focus()
    page.keyboard.press("5")
    expect(form.get_by_role("group", name="Relevance").get_by_label("5")).to_be_checked()

    page.keyboard.press("s")  # save and next
    expect(page.locator("h1")).to_have_text("Workshop 1")
    review = Review.objects.get(proposal=proposals[0], reviewer=page.reviewer)
    assert sorted(review.scores.values_list("criterion__name", "score")) == [
        ("Feasibility", 4),
        ("Relevance", 5),
    ]


def test_nothing_fires_while_typing_in_a_field(reviewer_page, proposals):
    page = reviewer_page
    _open(page, proposals[1])
    comment = page.locator("#review-form").get_by_label("Comment")
    comment.click()
    page.keyboard.type("jks 12345 ?")
    expect(comment).to_have_value("jks 12345 ?")
    expect(page.locator("h1")).to_have_text("Workshop 1")
    expect(page.locator("#shortcut-help")).not_to_be_visible()
    expect(page.locator("#review-form input[type=radio]:checked")).to_have_count(0)
    assert not Review.objects.exists()


def test_question_mark_shows_the_shortcuts_and_escape_closes_them(reviewer_page, proposals):
    page = reviewer_page
    _open(page, proposals[0])
    help_dialog = page.locator("#shortcut-help")
    page.keyboard.press("?")
    expect(help_dialog).to_be_visible()
    expect(help_dialog.get_by_role("heading")).to_have_text("Keyboard shortcuts")
    page.keyboard.press("j")  # no shortcut while the list is open
    expect(page.locator("h1")).to_have_text("Workshop 0")
    page.keyboard.press("Escape")
    expect(help_dialog).not_to_be_visible()
    page.get_by_role("button", name="Keyboard shortcuts (?)").click()  # on a phone: a button
    expect(help_dialog).to_be_visible()
    help_dialog.get_by_role("button", name="Close").click()
    expect(help_dialog).not_to_be_visible()


def test_in_the_queue_j_and_k_move_between_the_proposals(reviewer_page, proposals):
    page = reviewer_page
    page.goto("/partner/")
    expect(page.locator("[data-shortcuts-open]")).to_be_visible()
    page.keyboard.press("j")
    expect(page.get_by_role("link", name="Workshop 0")).to_be_focused()
    page.keyboard.press("j")
    expect(page.get_by_role("link", name="Workshop 1")).to_be_focused()
    page.keyboard.press("k")
    expect(page.get_by_role("link", name="Workshop 0")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Workshop 0")
