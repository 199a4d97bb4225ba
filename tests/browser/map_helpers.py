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
            # The popup pans the map to fit (an animation): a visitor reads it once it stands
            # still, and a click on it while it moves misses or lands on a redrawn one.
            page.wait_for_function(POPUP_STILL, timeout=3000)
            return link
        except PlaywrightError:  # the marker was redrawn under the click: click again
            continue
    expect(link).to_be_visible()  # fails with Playwright's own account of the page
    return link


# True once the open popup has kept its place on screen for 300 ms (checked at each frame).
POPUP_STILL = """() => {
    const popup = document.querySelector(".leaflet-popup");
    if (!popup) return false;
    const box = popup.getBoundingClientRect(), at = `${box.x},${box.y}`;
    const seen = window.__popupStill;
    if (!seen || seen.at !== at || seen.popup !== popup) {
        window.__popupStill = {at, popup, since: performance.now()};
        return false;
    }
    return performance.now() - seen.since > 300;
}"""


def follow_a_marker(page: Page, event_page: re.Pattern) -> None:
    """Open a marker's popup and follow its link to the event's page. A popup can close under
    the click (the map still settling after the zoom into a cluster): open it again."""
    for _ in range(CLICK_TRIES):
        link = open_a_marker(page)
        try:
            link.click(timeout=5000)  # a popup closed by a redraw meanwhile: open it again
            page.wait_for_url(event_page, timeout=5000)
            return
        except PlaywrightError:
            continue
    page.wait_for_url(event_page)  # fails with Playwright's own account


# The country outlines (static/js/map-outlines.js): Leaflet draws each country as an SVG path in
# the "outlines" pane, which sits under the tile pane and the marker pane.
OUTLINES_PANE = ".leaflet-outlines-pane"
PANES_Z = """map => Object.fromEntries(["outlines", "tile", "marker"].map(
    name => [name, Number(getComputedStyle(map.querySelector(`.leaflet-${name}-pane`)).zIndex)]))"""
# The paths Leaflet drew in view: those outside it keep an empty outline ("M0 0").
DRAWN_PATHS = """map => [...map.querySelectorAll(".leaflet-outlines-pane path")]
    .filter(path => (path.getAttribute("d") || "").length > 20).length"""
# Whether a click at the centre of each marker (or cluster) well inside the map reaches it, not
# an outline: how many such markers there are, and how many are on top.
MARKERS_ON_TOP = """map => {
    const inner = map.getBoundingClientRect();
    const inside = (x, y) => x > inner.left + 60 && x < inner.right - 60
        && y > inner.top + 60 && y < inner.bottom - 60;
    let shown = 0, onTop = 0;
    for (const marker of map.querySelectorAll(".leaflet-marker-icon")) {
        const box = marker.getBoundingClientRect();
        const x = box.x + box.width / 2, y = box.y + box.height / 2;
        if (!inside(x, y)) continue;
        shown += 1;
        const top = document.elementFromPoint(x, y);
        if (top && top.closest(".leaflet-marker-pane")) onTop += 1;
    }
    return [shown, onTop];
}"""


def watch_the_page(page: Page, own_origin: str) -> dict[str, list[str]]:
    """Collect what the page asks of other sites and the errors its console shows."""
    seen: dict[str, list[str]] = {"elsewhere": [], "errors": []}

    def request(req):
        if not req.url.startswith((own_origin + "/", "data:")):
            seen["elsewhere"].append(req.url)

    def console(message):
        if message.type == "error":
            seen["errors"].append(f"{message.text} ({message.location.get('url', '')})")

    page.on("request", request)
    page.on("console", console)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def expect_outlines_under_the_markers(page: Page, map_selector: str, at_least: int) -> None:
    """The map shows its country outlines, in a pane under the tiles and the markers."""
    the_map = page.locator(map_selector)
    expect(the_map).to_have_attribute("data-outlines", re.compile(r"^\d+$"))
    assert int(the_map.get_attribute("data-outlines")) > at_least
    expect(the_map.locator(f"{OUTLINES_PANE} path")).to_have_count(
        int(the_map.get_attribute("data-outlines"))
    )
    panes = the_map.evaluate(PANES_Z)
    assert panes["outlines"] < panes["tile"] < panes["marker"], panes
