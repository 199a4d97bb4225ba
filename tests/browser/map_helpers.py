"""Opening an event's popup on the public map, the way a visitor does: wait for the markers, zoom
into clusters until a single marker shows, then click it.

The marker layer redraws itself once after loading (the map fits the markers, the clusters are
rebuilt for the new zoom): a click landing on a marker in that moment opens nothing, and a
visitor would click again. So does this helper, a few times, before giving up.
"""

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

CLICK_TRIES = 5


def open_a_marker(page: Page):
    """Open one single marker's popup; return the popup's event link."""
    expect(page.locator("#events-map")).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
    single = page.locator(".leaflet-marker-icon:not(.marker-cluster)")
    for _ in range(12):
        if single.count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)
    link = page.locator(".leaflet-popup a.event-popup-link")
    for _ in range(CLICK_TRIES):
        single.first.click()
        try:
            link.wait_for(state="visible", timeout=1500)
            return link
        except PlaywrightError:  # the marker was redrawn under the click: click again
            continue
    expect(link).to_be_visible()  # fails with Playwright's own account of the page
    return link


def follow_a_marker(page: Page, event_page: re.Pattern) -> None:
    """Open a marker's popup and follow its link to the event's page. A popup can close under
    the click (the map still settling after the zoom into a cluster): open it again."""
    for _ in range(CLICK_TRIES):
        open_a_marker(page).click()
        try:
            page.wait_for_url(event_page, timeout=5000)
            return
        except PlaywrightError:
            continue
    page.wait_for_url(event_page)  # fails with Playwright's own account
