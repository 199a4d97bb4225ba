"""Switching language in a real browser: the person stays on the same page, with its filters, and
nothing typed in a proposal is lost (static/js/proposal-form.js keeps it across the reload).

The words are still English until the catalogues exist: the tests read ``<html lang>``, the
address and the fields' values.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Proposal
from tests.browser.map_helpers import open_a_marker
from tests.browser.test_proposal_journey import applicant, draft  # noqa: F401
from tests.public.test_public_events import make_event
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Robots in the library"
DESCRIPTION = "Children build and program small robots."


def choose_language(page: Page, language: str) -> None:
    switcher = page.locator("form.language-switcher")
    switcher.locator("select[name=language]").select_option(language)
    switcher.locator("button[type=submit]").click()


def lose_saves_outside(prefix: str):
    def route(route):
        if prefix in route.request.url:
            route.continue_()
        else:
            route.abort()

    return route


def test_the_event_map_keeps_its_country_filter_in_another_language(page, live_server, settings):
    settings.MAP_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
    settings.SITE_URL = live_server.url  # the feed's absolute event links
    make_event()  # in Luxembourg
    event = Event.objects.get()
    page.goto("/events/?country=LU")

    choose_language(page, "de")

    page.wait_for_url(re.compile(r"/de/events/\?country=LU$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("select[name=country]")).to_have_value("LU")
    # The map's marker opens the event's page in German too (the feed itself has no prefix).
    link = open_a_marker(page)
    expect(link).to_have_attribute("href", re.compile(rf"/de/events/{event.pk}-"))

    choose_language(page, "en")

    page.wait_for_url(re.compile(r"/events/\?country=LU$"))
    assert "/de/" not in page.url
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_text_typed_just_before_switching_is_there_in_the_new_language(applicant, draft):  # noqa: F811
    page = applicant
    # The English page's saves never arrive (a save cut off by the reload): what was typed comes
    # back from the browser's store, and the French page saves it.
    page.route(re.compile(r"/my/proposals/\d+/edit/[\w-]+/$"), lose_saves_outside("/fr/"))
    page.goto(f"/my/proposals/{draft.pk}/edit/")
    page.locator("#id_event-title").press_sequentially(TITLE, delay=10)
    page.locator("#id_event-description").fill(DESCRIPTION)

    choose_language(page, "fr")  # well within the 2 s autosave delay

    page.wait_for_url(re.compile(rf"/fr/my/proposals/{draft.pk}/edit/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#id_event-title")).to_have_value(TITLE)
    expect(page.locator("#id_event-description")).to_have_value(DESCRIPTION)
    wait_until(
        lambda: Proposal.objects.get(pk=draft.pk).description == DESCRIPTION,
        "the save",
    )
    page.reload()  # saved, not only put back from the browser's store
    expect(page.locator("#id_event-title")).to_have_value(TITLE)
