"""The public event map on the demo data, with map tiles unreachable: clustered markers, a
country filter, and event pages opened from a marker and from the list; axe finds nothing
serious on the public pages. With tiles switched off or unreachable, the country outlines are
the map, under the markers."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from events.models import Event
from events.public import map_editions
from programmes.models import Edition
from tests.browser.map_helpers import (
    DRAWN_PATHS,
    MARKERS_ON_TOP,
    expect_outlines_under_the_markers,
    follow_a_marker,
    watch_the_page,
)
from tests.browser.test_accessibility import _assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_EVENTS = "/events/"  # by default the map's editions, held and upcoming (events.public)


@pytest.fixture
def demo(settings, live_server):
    settings.MAP_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"
    settings.SITE_URL = live_server.url  # the feeds' absolute links
    call_command("seed_demo", proposals=300, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def offline_tiles(page: Page) -> Page:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def test_the_map_clusters_filters_and_opens_events(demo, offline_tiles):
    page = offline_tiles
    page.goto(DEMO_EVENTS)
    expect(page.locator("#events-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    expect(page.locator(".marker-cluster").first).to_be_visible()

    if page.locator("details.filters[open]").count() == 0:  # open when filters are set
        page.get_by_text("Filter events").click()
    page.get_by_label("Country").select_option("LU")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_url(re.compile(r"country=LU"))
    items = page.locator(".event-item")
    expect(items.first).to_be_visible()
    shown = map_editions(list(Edition.objects.all()))
    luxembourg = Event.objects.filter(country="LU", edition__in=shown)
    expect(page.locator("#results-title")).to_contain_text(
        str(luxembourg.exclude(status="cancelled").count())
    )
    for text in items.all_inner_texts():
        assert "Luxembourg" in text

    follow_a_marker(page, re.compile(r"/events/\d+-[\w-]+/$"))
    expect(page.locator("h1")).to_be_visible()

    page.go_back()
    title = items.first.locator("a").inner_text()
    items.first.locator("a").click()
    expect(page.locator("h1")).to_have_text(title)
    assert not page.js_errors


def test_the_list_works_without_javascript(demo, browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(DEMO_EVENTS + "?country=BE")
    expect(page.locator(".event-item").first).to_be_visible()
    expect(page.locator("#events-map")).to_be_hidden()
    page.locator(".event-item a").first.click()
    expect(page.get_by_text("Add to calendar")).to_be_visible()
    context.close()


def test_public_pages_have_no_serious_violation(demo, offline_tiles):
    page = offline_tiles
    event = Event.objects.exclude(status="cancelled").exclude(latitude=None).first()
    for path in (DEMO_EVENTS, f"/events/{event.pk}-{event.slug}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        _assert_accessible(page)


UNREACHABLE_TILES = "https://tiles.invalid/{z}/{x}/{y}.png"


@pytest.mark.parametrize(
    "tile_url", ["", UNREACHABLE_TILES], ids=["tiles-off", "tiles-unreachable"]
)
def test_without_tiles_the_map_shows_country_outlines_under_its_markers(
    tile_url, demo, settings, page, live_server
):
    settings.MAP_TILE_URL = tile_url
    seen = watch_the_page(page, live_server.url)

    page.goto(DEMO_EVENTS)

    the_map = page.locator("#events-map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    expect_outlines_under_the_markers(page, "#events-map", at_least=40)
    assert the_map.evaluate(DRAWN_PATHS) > 20  # Europe's countries in view, not empty paths
    shown, on_top = the_map.evaluate(MARKERS_ON_TOP)
    assert shown > 0
    assert on_top == shown
    credit = the_map.locator(".leaflet-control-attribution")
    expect(credit).to_contain_text("Natural Earth")
    page.wait_for_load_state("networkidle")
    tiles = [url for url in seen["elsewhere"] if url.startswith("https://tiles.invalid/")]
    assert seen["elsewhere"] == tiles  # nothing asked of another site but the tiles
    assert [error for error in seen["errors"] if "tiles.invalid" not in error] == []
    if tile_url:
        assert tiles
        expect(credit).to_contain_text("OpenStreetMap")
    else:
        assert tiles == []
        assert seen["errors"] == []
        expect(credit).not_to_contain_text("OpenStreetMap")
        expect(the_map.locator(".leaflet-tile")).to_have_count(0)
