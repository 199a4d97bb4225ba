"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

No browser is ever downloaded (no ``playwright install``): the tests launch the chromium the
machine has (``apt-get install chromium``; .ci/run installs it). Tests marked ``browser`` skip
without it, and fail under CI=true or REQUIRE_SERVICES=1 (tests/conftest.py), like the tests that
need PostgreSQL or Redis. The live server's mails land in this process's outbox (locmem backend),
so the ``mailoutbox`` fixture reads them.

Playwright's sync API keeps an asyncio loop running in the test's thread, which Django reads as
"called from async code" and refuses ORM calls. The browser therefore lives for one test module
only, and Django's async check is off exactly while it runs: the loop is gone before any other
module's tests run on the same xdist worker.
"""

import os
import uuid

import pytest

from tests.conftest import chromium_path

# Quiet and offline: no sandbox (CI runs as root in a container), no GPU, none of chromium's own
# network traffic (updates, sync, first-run pages), and no name resolves but the live server's:
# a map tile (or anything else bound for the internet) fails at once, before it leaves. Routing
# requests through Playwright (page.route) would do the same but turns the browser's cache off,
# and every page would fetch its styles and scripts again.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    # pytest_runtest_setup (tests/conftest.py) has already skipped or failed without chromium.
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def own_rate_limits(settings):
    """A cache key prefix of the test's own: allauth's rate limits start from zero.

    The live server's request threads open their cache connections after this, so they count
    under the same prefix (see tests/organisations/test_accounts.py for why not flush Redis).
    """
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live server, English, phone-sized."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    _settled(tab, live_server.url)
    context.close()


def _settled(tab, url: str) -> None:
    """Wait until the page has nothing left to save, as the person would before leaving: a save
    still on its way, or one an unsaved form sends as the page closes, would reach the server
    while the test database is being emptied, and deadlock with it."""
    from playwright.sync_api import expect

    if tab.is_closed() or not tab.url.startswith(url):
        return
    expect(tab.locator("form[data-autosave][data-dirty='1']")).to_have_count(0, timeout=15_000)
    expect(tab.locator(".htmx-request")).to_have_count(0, timeout=15_000)
