"""A national partner's manager in a real browser: filters the queue, opens a proposal, scores
it, approves it, and sees the status and the country's budget bar change."""

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
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def programme():
    # Next year's edition: the events are still to come, so approving them takes one click.
    programme = CountryProgrammeFactory(
        edition=EditionFactory(year=timezone.localdate().year + 1),
        budget=Decimal("1000.00"),
        max_grant=Decimal("500.00"),
    )
    edition = programme.edition
    ReviewCriterionFactory(edition=edition, name="Relevance", description="Reaches beginners")
    ReviewCriterionFactory(edition=edition, name="Feasibility", description="A realistic plan")
    for title, amount in [("Robots in the library", "400.00"), ("Scratch at school", "300.00")]:
        ProposalFactory(
            country_programme=programme,
            status=Proposal.Status.SUBMITTED,
            title=title,
            requested_amount=Decimal(amount),
        )
    return programme


@pytest.fixture
def manager_page(page, live_server, programme, two_factor_login):
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    client = two_factor_login(Client(), manager)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def test_a_manager_filters_scores_and_approves_and_the_budget_follows(manager_page, programme):
    page = manager_page
    page.goto("/partner/")
    # the queue opens on what is ready to decide: nothing reviewed yet; the manager shows all
    expect(page.locator("#queue-total")).to_contain_text("0 proposals")
    page.locator(".queue-todo").get_by_role("link", name="All proposals").click()
    bar = page.locator(f'.budget-bar[data-country="{programme.country.code}"]')
    expect(bar.locator(".budget-remaining")).to_have_text("EUR 1,000.00")

    page.get_by_label("Search").fill("Robots")
    page.get_by_role("button", name="Show proposals").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Robots"))
    expect(page.locator("#queue-total")).to_contain_text("1 proposal")
    page.get_by_role("link", name="Robots in the library").click()

    expect(page.locator("h1")).to_have_text("Robots in the library")
    review = page.locator("#review-form")
    review.get_by_role("group", name="Relevance").get_by_label("4").check()
    review.get_by_role("group", name="Feasibility").get_by_label("5").check()
    review.get_by_label("Comment").fill("Clear plan, reaches beginners.")
    review.get_by_role("button", name="Save review", exact=True).click()
    expect(page.locator("#review-summary")).to_contain_text("4.50")

    approve = page.locator("#approve-form")
    expect(approve.get_by_label("Grant amount")).to_have_value("400.00")
    approve.get_by_role("button", name="Approve and reserve the amount").click()

    expect(page.locator("#proposal-status")).to_have_text("Approved")
    expect(page.locator("#decision-budget")).to_contain_text("600.00")
    page.locator("#proposal-pager").get_by_role("link", name="Review queue").click()
    expect(bar.locator(".budget-remaining")).to_have_text("EUR 600.00")
    programme.refresh_from_db()
    assert programme.reserved == Decimal("400.00")


BLOCKING = {"serious", "critical"}


def _assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    problems = [
        f"{v['id']} ({v['impact']}): " + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in violations
        if v["impact"] in BLOCKING
    ]
    assert not problems, f"axe on {page.url}:\n" + "\n".join(problems)


def test_the_decision_pages_have_no_serious_accessibility_violation(manager_page, programme):
    page = manager_page
    proposal = Proposal.objects.get(title="Robots in the library")
    for url in [
        f"/partner/proposals/{proposal.pk}/",
        f"/partner/proposals/{proposal.pk}/review/",
        "/partner/tokens/",
        "/partner/validations/",
    ]:
        page.goto(url)
        _assert_accessible(page)

    # With errors shown: a review without scores, and an approval above the requested amount.
    page.goto(f"/partner/proposals/{proposal.pk}/review/")
    page.get_by_role("button", name="Save review").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    _assert_accessible(page)
    page.goto(f"/partner/proposals/{proposal.pk}/")
    page.locator("#approve-amount").evaluate(
        "el => { el.removeAttribute('max'); el.value = '450'; }"
    )
    page.locator("#approve-form").get_by_role("button").click()
    expect(page.get_by_text("At most the requested amount")).to_be_visible()
    _assert_accessible(page)


def test_a_manager_approves_several_from_the_queue_and_sees_each_result(manager_page, programme):
    ProposalFactory(
        country_programme=programme,
        status=Proposal.Status.SUBMITTED,
        title="Coding night",
        requested_amount=Decimal("500.00"),
    )
    page = manager_page
    page.goto("/partner/?sort=amount")
    for title in ["Robots in the library", "Scratch at school", "Coding night"]:
        page.get_by_label(f"Select “{title}”").check()
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Approve these proposals?")
    _assert_accessible(page)
    page.get_by_role("button", name="Approve the selected proposals").click()

    expect(page.locator("h1")).to_have_text("Approvals")
    expect(page.get_by_role("status")).to_contain_text("2 done, 1 not done.")
    expect(page.locator("#bulk-results")).to_contain_text("Budget exceeded")
    _assert_accessible(page)
    programme.refresh_from_db()
    assert programme.reserved <= programme.budget
    assert Proposal.objects.filter(status=Proposal.Status.APPROVED).count() == 2
