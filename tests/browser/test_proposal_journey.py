"""The applicant's proposal in a real browser: nothing typed is lost, and a proposal is sent.

Autosave posts a section 2 s after typing stops (htmx), and a dirty section is posted with a
keepalive fetch when the page is left (static/js/proposal-form.js). The edition runs next year
with applications open since January of this year, so a proposal can be eligible on the day the
tests run, whatever the day.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from events import services
from events.eligibility import check_eligibility
from events.models import Proposal
from organisations.models import OrganisationValidation
from tests.factories import (
    LUXEMBOURG,
    CountryProgrammeFactory,
    EditionFactory,
    LanguageFactory,
    MembershipFactory,
)
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Robots in the library"
DESCRIPTION = "Children build and program small robots; laptops and kits provided."
SAVED = re.compile("Saved at")
# The open edition's year (next year): its events, on 14 September, are in the future on any day.
NEXT_YEAR = timezone.localdate().year + 1
EVENT_DAY = f"{NEXT_YEAR}-09-14"  # as a datetime-local field takes it: EVENT_DAY + "T10:00"


def open_edition():
    """Next year's edition: applications open since 1 January of this year (so on any day of it),
    deadline on 30 September next year, events from 17 June to 31 October next year."""
    year = NEXT_YEAR
    return EditionFactory(
        year=year,
        applications_open=dt.date(year - 1, 1, 1),
        application_deadline=dt.datetime(year, 9, 30, 23, 59, tzinfo=LUXEMBOURG),
        event_start=dt.date(year, 6, 17),
        event_end=dt.date(year, 10, 31),
    )


@pytest.fixture
def draft():
    """An empty draft of an active member's organisation, validated for the open edition."""
    edition = open_edition()
    programme = CountryProgrammeFactory(edition=edition)
    LanguageFactory(code="fr")
    membership = MembershipFactory()
    OrganisationValidation.objects.create(
        organisation=membership.organisation,
        edition=edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    return services.create_draft(
        membership.organisation, actor=membership.user, country_programme=programme
    )


@pytest.fixture
def applicant(page, live_server, draft):
    """The browser holds the session of the draft's author, logged in by the test client."""
    client = Client()
    client.force_login(draft.created_by)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def edit_url(proposal) -> str:
    return f"/my/proposals/{proposal.pk}/edit/"


def status_of(page: Page, section: str):
    return page.locator(f"#section-{section} .save-status")


def test_typed_text_is_saved_while_typing_and_found_after_reload(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    page.get_by_label("Name of your event").press_sequentially(TITLE)
    page.get_by_label("What will happen").press_sequentially(DESCRIPTION)

    expect(status_of(page, "event")).to_contain_text(SAVED)
    # The last save may still be on its way when the first answer shows "Saved at".
    wait_until(
        lambda: Proposal.objects.get(pk=draft.pk).description == DESCRIPTION,
        "the save",
    )
    page.reload()
    expect(page.get_by_label("Name of your event")).to_have_value(TITLE)
    expect(page.get_by_label("What will happen")).to_have_value(DESCRIPTION)


def test_text_typed_just_before_leaving_is_saved_on_the_way_out(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    page.get_by_label("Name of your event").press_sequentially(TITLE, delay=20)
    page.goto("/my/")  # well within the 2 s autosave delay: only the keepalive fetch saves it
    page.wait_for_load_state("networkidle")

    wait_until(lambda: Proposal.objects.get(pk=draft.pk).title == TITLE, "keepalive")
    page.goto(edit_url(draft))
    expect(page.get_by_label("Name of your event")).to_have_value(TITLE)


def test_counter_follows_typing_and_the_limit_holds(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    title = page.get_by_label("Name of your event")
    counter = page.locator('[data-counter-for="id_event-title"]')
    expect(counter).to_have_text("0 / 120")

    title.press_sequentially("Hello")
    expect(counter).to_have_text("5 / 120")

    title.press_sequentially("x" * 130)  # typed key by key: the browser stops at maxlength
    expect(title).to_have_value("Hello" + "x" * 115)
    expect(counter).to_have_text("120 / 120")


def _fill_event(page: Page) -> None:
    page.get_by_label("Name of your event").fill(TITLE)
    page.get_by_label("What will happen").fill(DESCRIPTION)
    page.locator("#id_event-format").select_option(index=1)
    page.get_by_label("In person", exact=False).check()
    expect(status_of(page, "event")).to_contain_text(SAVED)


def _fill_audience(page: Page) -> None:
    page.get_by_label("Youngest participant (age)").fill("10")
    page.get_by_label("Oldest participant (age)").fill("14")
    page.get_by_label("How many participants do you expect?").fill("20")
    page.get_by_label("French").check()
    expect(status_of(page, "audience")).to_contain_text(SAVED)


def _fill_place(page: Page) -> None:
    page.get_by_label("Starts (date and time)").fill(f"{EVENT_DAY}T10:00")
    page.get_by_label("Ends (date and time)").fill(f"{EVENT_DAY}T12:00")
    page.get_by_label("Time spent coding, in minutes").fill("100")
    page.get_by_label("Name of the venue").fill("Bibliothèque municipale")
    page.locator("#section-place").get_by_label("Street and number").fill("3, rue Génistre")
    page.locator("#section-place").get_by_label("Postcode").fill("L-1623")
    page.locator("#section-place").get_by_label("Town or city").fill("Luxembourg")
    expect(status_of(page, "place")).to_contain_text(SAVED)


def _fill_budget(page: Page) -> None:
    budget = page.locator("#section-budget")
    budget.locator("select").first.select_option(index=1)
    budget.locator("input[name$='-description']").first.fill("Two trainers, two hours each")
    budget.locator("input[name$='-amount']").first.fill("300")
    budget.locator("input[name$='-amount']").first.press("Tab")
    expect(page.locator("#requested-amount")).to_contain_text("300")


def _fill_declarations(page: Page) -> None:
    page.get_by_label("The event is free for all participants").check()
    page.get_by_label("I have read and accept the conditions of participation").check()
    expect(status_of(page, "declarations")).to_contain_text(SAVED)


def test_all_sections_filled_reviewed_and_submitted(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    for fill in (_fill_event, _fill_audience, _fill_place, _fill_budget, _fill_declarations):
        fill(page)
    # Every autosave has landed once the draft is eligible in the database.
    wait_until(lambda: not check_eligibility(Proposal.objects.get(pk=draft.pk)), "eligible")

    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_text("Everything needed is there")).to_be_visible()
    expect(page.locator("#summary-title")).to_have_text(TITLE)
    page.get_by_role("button", name="Submit to the national partner").click()

    page.wait_for_url(f"**/my/proposals/{draft.pk}/")
    expect(page.locator("#proposal-status")).to_have_text("Submitted")
    expect(page.locator("#timeline li")).to_have_count(2)  # created, then submitted
    expect(page.locator("#timeline")).to_contain_text("Submitted")
    assert Proposal.objects.get(pk=draft.pk).status == Proposal.Status.SUBMITTED


def test_a_category_picked_before_the_amount_is_kept(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    budget = page.locator("#section-budget")
    budget.locator("select").first.select_option(index=1)
    # As on a slow line: were the half-filled line posted, its answer would be back by now.
    page.wait_for_timeout(500)
    budget.locator("input[name$='-description']").first.press_sequentially("Two trainers")
    budget.locator("input[name$='-amount']").first.fill("100")
    budget.locator("input[name$='-amount']").first.press("Tab")  # a change saves the budget
    expect(page.locator("#requested-amount")).to_contain_text("100")
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).budget_lines.exists(), "line")
    line = Proposal.objects.get(pk=draft.pk).budget_lines.get()
    assert (line.category, line.description, line.amount) == ("trainer", "Two trainers", 100)


def test_quick_changes_to_a_saved_budget_line_are_all_kept(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    budget = page.locator("#section-budget")
    budget.locator("select").first.select_option(index=1)
    budget.locator("input[name$='-amount']").first.fill("100")
    budget.locator("input[name$='-amount']").first.press("Tab")
    expect(page.locator("#requested-amount")).to_contain_text("100")
    page.reload()  # the line now exists with an id

    budget.locator("input[name$='-description']").first.fill("Snacks")
    budget.locator("input[name$='-description']").first.press("Tab")  # a save starts...
    budget.locator("input[name$='-amount']").first.fill("250")
    budget.locator("input[name$='-amount']").first.press("Tab")  # ...and another replaces it
    expect(page.locator("#requested-amount")).to_contain_text("250", timeout=5_000)
    line = Proposal.objects.get(pk=draft.pk).budget_lines.get()
    assert (line.description, line.amount) == ("Snacks", 250)


def test_a_second_line_is_added_in_place_and_the_sum_follows(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    budget = page.locator("#section-budget")
    budget.locator("select").nth(0).select_option("trainer")
    budget.locator("input[name$='-amount']").nth(0).fill("200")
    budget.locator("input[name$='-amount']").nth(0).press("Tab")
    expect(page.locator("#requested-amount")).to_contain_text("200")

    budget.get_by_role("button", name="Add another line").click()
    budget.locator("select").nth(1).select_option("materials")
    budget.locator("input[name$='-description']").nth(1).fill("Micro:bit kits")
    budget.locator("input[name$='-amount']").nth(1).fill("150.50")
    budget.locator("input[name$='-amount']").nth(1).press("Tab")
    expect(page.locator("#requested-amount")).to_contain_text("350.50")

    page.reload()
    amounts = page.locator("#section-budget input[name$='-amount']")
    expect(amounts.nth(0)).to_have_value("200.00")
    expect(amounts.nth(1)).to_have_value("150.50")
    lines = Proposal.objects.get(pk=draft.pk).budget_lines.order_by("amount")
    assert [(line.category, line.amount) for line in lines] == [
        ("materials", Decimal("150.50")),
        ("trainer", Decimal("200.00")),
    ]


def test_a_section_the_server_refuses_shows_why(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    page.get_by_label("Starts (date and time)").fill(f"{EVENT_DAY}T12:00")
    page.get_by_label("Ends (date and time)").fill(f"{EVENT_DAY}T10:00")  # before the start

    place = page.locator("#section-place")
    expect(place.locator(".invalid-feedback")).to_contain_text("The end is before the start")
    expect(status_of(page, "place")).to_contain_text("Not saved")
    # The refused values stay in the form, to be corrected rather than typed again.
    expect(page.get_by_label("Starts (date and time)")).to_have_value(f"{EVENT_DAY}T12:00")


def test_a_value_outside_the_limits_is_saved_with_a_warning_next_to_it(applicant, draft):
    page = applicant
    page.goto(edit_url(draft))
    expect(page.locator("#call-status")).to_contain_text("days left")
    participants = page.get_by_label("How many participants do you expect?")
    participants.fill("3")

    warning = page.locator("#warning-expected_participants")
    expect(warning).to_contain_text("At least 10 participants are needed")
    expect(status_of(page, "audience")).to_contain_text(SAVED)
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).expected_participants == 3, "save")
    expect(participants).to_have_value("3")  # the input stays, only the warning came

    participants.fill("30")
    expect(warning).to_be_empty()


def test_text_typed_after_the_session_ended_survives_logging_in_again(applicant, draft):
    from allauth.account.models import EmailAddress
    from django.contrib.sessions.models import Session

    from tests.factories import PASSWORD

    person = draft.created_by
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    page = applicant
    page.goto(edit_url(draft))
    Session.objects.all().delete()  # the session ends while the form is open

    page.get_by_label("Name of your event").press_sequentially(TITLE)
    status = status_of(page, "event")
    expect(status).to_contain_text("you were logged out", timeout=8_000)
    expect(page.get_by_label("Name of your event")).to_have_value(TITLE)  # nothing swapped away

    # A second autosave's answer may redraw the message as the link is clicked: click again.
    for _ in range(3):
        status.get_by_role("link", name="Log in again").click()
        try:
            page.wait_for_url(re.compile(r"/accounts/login/"), timeout=5_000)
            break
        except PlaywrightError:
            continue
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).click()

    page.wait_for_url(f"**{edit_url(draft)}")
    expect(page.get_by_label("Name of your event")).to_have_value(TITLE)
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).title == TITLE, "the save")
