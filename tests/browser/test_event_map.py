"""The public event map on the demo data, with map tiles unreachable: clustered markers, a
country filter, and event pages opened from a marker and from the list; axe finds nothing
serious on the public pages."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from events.models import Event
from events.public import map_editions
from programmes.models import Edition
from tests.browser.map_helpers import follow_a_marker
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
    page.route("**/tiles.invalid/**", lambda route: route.abort())
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
