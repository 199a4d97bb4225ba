"""An autosave the server fails to store never destroys the page: the typed text and the other
sections stay, the status says it was not saved and will be sent again, and it is, by itself.
With DEBUG on, as make run has it, django-htmx's error handler would otherwise put the error
answer (a 500, and also the 400 of a section with errors) in place of the whole page."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Proposal
from tests.browser.test_proposal_journey import (  # noqa: F401 (fixtures)
    TITLE,
    applicant,
    draft,
    edit_url,
    status_of,
)
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_save_answered_500_keeps_the_page_and_is_sent_again(applicant, draft, settings):  # noqa: F811
    settings.DEBUG = True  # make run's: django-htmx's debug error handler is on the page
    page = applicant
    failures = []

    def fail_first_save(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=500, body="<html><body><h1>Server Error (500)</h1></body></html>")
        else:
            route.continue_()

    page.route(re.compile(r"/edit/event/$"), fail_first_save)
    page.goto(edit_url(draft))

    field = page.get_by_label("Name of your event")
    field.press_sequentially(TITLE)
    status = status_of(page, "event")
    expect(status).to_contain_text("Not saved yet", timeout=8_000)
    expect(field).to_have_value(TITLE)  # what was typed stays
    expect(page.locator("#section-audience")).to_be_visible()  # the other sections stay
    assert "Server Error" not in page.content()

    expect(status).to_contain_text("Saved at", timeout=15_000)  # sent again by itself
    assert failures
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).title == TITLE, "the save")


def test_a_save_lost_on_the_way_is_sent_again(applicant, draft):  # noqa: F811
    page = applicant
    lost = []

    def lose_first_save(route):
        if not lost:
            lost.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/edit/event/$"), lose_first_save)
    page.goto(edit_url(draft))

    field = page.get_by_label("Name of your event")
    field.press_sequentially(TITLE)
    status = status_of(page, "event")
    expect(status).to_contain_text("Not saved yet", timeout=8_000)
    expect(field).to_have_value(TITLE)

    expect(status).to_contain_text("Saved at", timeout=15_000)
    assert lost
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).title == TITLE, "the save")


def test_with_debug_on_a_section_with_errors_shows_them_in_place(applicant, draft, settings):  # noqa: F811
    settings.DEBUG = True
    page = applicant
    page.goto(edit_url(draft))
    page.get_by_label("Name of your event").press_sequentially(TITLE)
    expect(status_of(page, "event")).to_contain_text("Saved at")

    page.get_by_label("Youngest participant (age)").fill("-3")
    page.get_by_label("Oldest participant (age)").focus()  # leaving the field posts the section

    expect(status_of(page, "audience")).to_contain_text("correct the fields marked below")
    expect(page.get_by_label("Youngest participant (age)")).to_have_value("-3")
    expect(page.get_by_label("Name of your event")).to_have_value(TITLE)  # the page stays
    assert Proposal.objects.get(pk=draft.pk).age_min is None
