"""The Content-Security-Policy breaks nothing: real pages in chromium report no violation.

The policy (settings.SECURE_CSP) is enforced in tests as in production, so an inline script
without the nonce, an injected <style>, an image or a fetch from an unlisted host would be
blocked here and reported. The listener is installed before any page script runs
(``add_init_script``, which the policy does not govern); chromium's console message for a
blocked resource is collected too. Map tiles never resolve (CHROMIUM_ARGS: no network), after
the policy allowed them: a tile host missing from img-src would still show as a violation.
"""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page

from tests.browser import test_partner_accessibility as partner
from tests.browser import test_proposal_journey as journey
from tests.browser.test_proposal_journey import edit_url
from tests.factories import PAST_YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

draft = journey.draft
partner_page = partner.partner_page

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || ""}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(LISTEN)
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.csp_console = console
    return page


def _visit(page: Page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, f"{path} answered {response.status}"
    assert "Content-Security-Policy" in response.headers or (
        "content-security-policy" in response.headers
    )
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__cspViolations") + page.csp_console
    page.csp_console.clear()
    return [f"{path}: {v}" for v in found]


def _log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])


def test_public_pages_have_no_policy_violation(watched, live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", proposals=60, stdout=open("/dev/null", "w"))  # noqa: SIM115
    page = watched
    violations = []
    for path in ["/", f"/events/?date_from={PAST_YEAR}-01-01", "/impact/", "/accounts/signup/"]:
        violations += _visit(page, path)
    event = re.search(
        r'href="(/events/\d+-[\w-]+/)"', page.goto(f"/events/?date_from={PAST_YEAR}-01-01").text()
    )
    assert event, "no event page linked from the list"
    violations += _visit(page, event.group(1))
    violations += _visit(page, f"/embed/map/?date_from={PAST_YEAR}-01-01")

    assert violations == []


def test_the_proposal_form_with_its_venue_map_and_the_library_have_none(
    watched, live_server, draft
):
    page = watched
    _log_in(page, live_server, draft.created_by)

    violations = _visit(page, edit_url(draft))
    # The autosave (htmx) and its indicator run under the policy too.
    page.get_by_label("Name of your event").fill("Robots at the library")
    page.wait_for_timeout(1500)
    violations += [f"autosave: {v}" for v in page.evaluate("window.__cspViolations")]
    violations += _visit(page, "/library/")

    assert violations == []


def test_the_partner_queue_has_none(watched, partner_page):
    page, proposals = partner_page
    assert page is watched

    violations = _visit(page, "/partner/")
    violations += _visit(page, f"/partner/proposals/{proposals[0].pk}/")

    assert violations == []
