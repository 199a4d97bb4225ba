"""The venue map on the proposal form in a real browser, with every map tile blocked.

The map (static/js/venue-map.js) fills the latitude and longitude the "Where and when" section
saves; tiles come from outside, so the test aborts them (``**/*.png``, the marker's picture too)
and the page must work all the same, without a script error. With tiles switched off or
unreachable, the country outlines are the map, and a click still pins the venue.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from events.models import Proposal
from tests.browser import test_proposal_journey as journey
from tests.browser.map_helpers import (
    DRAWN_PATHS,
    MARKERS_ON_TOP,
    expect_outlines_under_the_markers,
    watch_the_page,
)
from tests.browser.test_proposal_journey import edit_url, status_of
from tests.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATE = re.compile(r"^-?\d{1,3}\.\d{5}$")

# The journey's fixtures: an empty draft in Luxembourg, its author logged in in the browser.
draft = journey.draft
applicant = journey.applicant


@pytest.fixture
def script_errors():
    return []


@pytest.fixture
def offline_map(applicant, script_errors):
    """The applicant's page with map tiles blocked; script errors are collected, not ignored."""
    page = applicant
    page.route("**/*.png", lambda route: route.abort())
    page.on("pageerror", lambda error: script_errors.append(error))
    return page


def latitude(page: Page):
    return page.locator("#section-place").get_by_label("Latitude")


def longitude(page: Page):
    return page.locator("#section-place").get_by_label("Longitude")


def stored(draft):
    proposal = Proposal.objects.get(pk=draft.pk)
    return proposal.latitude, proposal.longitude


def test_a_click_on_the_map_pins_the_venue_and_is_saved(offline_map, draft, script_errors):
    page = offline_map
    page.goto(edit_url(draft))
    venue_map = page.get_by_role("region", name="Map to pin the venue")
    expect(venue_map).to_be_visible()
    expect(page.get_by_text("The map pictures could not be loaded")).to_be_visible()

    venue_map.click(position={"x": 200, "y": 150})

    expect(latitude(page)).to_have_value(COORDINATE)
    expect(longitude(page)).to_have_value(COORDINATE)
    expect(status_of(page, "place")).to_contain_text("Saved at")
    typed = (Decimal(latitude(page).input_value()), Decimal(longitude(page).input_value()))
    wait_until(lambda: stored(draft) == typed, "the pin saved")
    # Luxembourg's map: the pin lands in or near Luxembourg.
    assert 48 < typed[0] < 51
    assert 4 < typed[1] < 8
    expect(page.locator("#section-place .leaflet-marker-icon")).to_have_count(1)
    assert script_errors == []


def test_typed_coordinates_move_the_pin_and_arrow_keys_nudge_it(offline_map, draft, script_errors):
    page = offline_map
    page.goto(edit_url(draft))
    latitude(page).fill("49.61000")
    longitude(page).fill("6.13000")
    pin = page.locator("#section-place .leaflet-marker-icon")
    expect(pin).to_have_count(1)
    wait_until(
        lambda: stored(draft) == (Decimal("49.61000"), Decimal("6.13000")),
        "typed pin",
    )

    pin.focus()
    pin.press("ArrowRight")

    expect(longitude(page)).not_to_have_value("6.13000")
    moved = Decimal(longitude(page).input_value())
    assert moved > Decimal("6.13000")
    expect(latitude(page)).to_have_value("49.61000")
    wait_until(lambda: stored(draft)[1] == moved, "the nudged pin saved")
    assert script_errors == []


def test_the_map_is_hidden_for_an_online_event(offline_map, draft, script_errors):
    page = offline_map
    page.goto(edit_url(draft))
    venue_map = page.locator("#venue-map")
    expect(venue_map).to_be_visible()

    page.locator("#section-event").get_by_label("Online", exact=True).check()
    expect(venue_map).to_be_hidden()
    expect(latitude(page)).to_be_visible()  # the fields stay, for a hybrid change of mind

    page.locator("#section-event").get_by_label("In person", exact=True).check()
    expect(venue_map).to_be_visible()
    assert script_errors == []


def test_an_online_event_opens_without_the_map(offline_map, draft, script_errors):
    Proposal.objects.filter(pk=draft.pk).update(delivery="online")
    page = offline_map
    page.goto(edit_url(draft))

    expect(latitude(page)).to_be_visible()
    expect(page.locator("#venue-map")).to_be_hidden()
    assert script_errors == []


def test_an_out_of_range_latitude_shows_its_error_and_the_map_comes_back(
    offline_map, draft, script_errors
):
    page = offline_map
    page.goto(edit_url(draft))
    latitude(page).fill("95")
    longitude(page).fill("6.1")
    longitude(page).press("Tab")

    expect(page.get_by_text("A latitude is a number from -90 to 90")).to_be_visible()
    expect(latitude(page)).to_have_value("95")
    # The section was swapped with its errors; its new map works.
    page.get_by_role("region", name="Map to pin the venue").click(position={"x": 200, "y": 150})
    expect(latitude(page)).to_have_value(COORDINATE)
    wait_until(lambda: stored(draft)[0] is not None, "the corrected pin saved")
    assert script_errors == []


@pytest.mark.parametrize(
    "tile_url",
    ["", "https://tiles.invalid/{z}/{x}/{y}.png"],
    ids=["tiles-off", "tiles-unreachable"],
)
def test_without_tiles_the_venue_map_shows_country_outlines_and_still_pins(
    tile_url, applicant, draft, settings, live_server
):
    settings.MAP_TILE_URL = tile_url
    page = applicant
    seen = watch_the_page(page, live_server.url)
    page.goto(edit_url(draft))

    venue_map = page.get_by_role("region", name="Map to pin the venue")
    expect_outlines_under_the_markers(page, "#venue-map", at_least=40)
    assert venue_map.evaluate(DRAWN_PATHS) >= 3  # Luxembourg and its neighbours, in view
    expect(venue_map.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")
    offline_note = page.get_by_text("The map pictures could not be loaded")
    if tile_url:
        expect(offline_note).to_be_visible()
    else:  # no tiles on purpose: nothing failed
        expect(venue_map.locator(".leaflet-tile")).to_have_count(0)
        expect(offline_note).to_be_hidden()

    venue_map.click(position={"x": 200, "y": 150})  # the outlines let the click through

    expect(latitude(page)).to_have_value(COORDINATE)
    wait_until(lambda: stored(draft)[0] is not None, "the pin saved")
    assert venue_map.evaluate(MARKERS_ON_TOP) == [1, 1]
    page.wait_for_load_state("networkidle")
    assert all(url.startswith("https://tiles.invalid/") for url in seen["elsewhere"])
    assert bool(seen["elsewhere"]) == bool(tile_url)
    assert [error for error in seen["errors"] if "tiles.invalid" not in error] == []
