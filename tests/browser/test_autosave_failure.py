"""An autosave the server fails to store never destroys the page: the typed text and the other
sections stay, the status says it was not saved and will be sent again, and it is, by itself.
With DEBUG on, as make run has it, django-htmx's error handler would otherwise put the error
answer in place of the whole page."""

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
    wait_until,
)

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
    wait_until(lambda: Proposal.objects.get(pk=draft.pk).title == TITLE, message="the save")
