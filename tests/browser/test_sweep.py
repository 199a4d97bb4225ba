"""Every page, as the person who uses it, in all nine languages, on a phone and a laptop.

Each page is loaded 390 px wide, checked, widened to 1280 px and checked again (the same load:
the layout follows the window as it would on a tablet turned round). Checked each time:

- the page does not scroll sideways (the report names what sticks out), and "Log out" is on
  the screen;
- no console error, no uncaught script error, no Content-Security-Policy violation (map tiles
  are answered with an error before they leave the machine; a failed tile is not the page's);
- no English left (at 1280 px, where the whole navigation shows): no text in the header or
  <main>, nor an aria-label, title, placeholder or alt, equals a msgid of the language's
  catalogue whose translation differs (tests/browser/sweep_checks.py);
- axe-core finds no serious or critical violation. axe costs about as much as everything else
  on a page together, and what it finds depends on the width more than on the language: it runs
  at both widths in English and at 390 px (where longer words overflow first) in the others.
  Colour contrast is two thirds of axe's time and the one rule whose answer the words cannot
  change (the same templates and styles in every language; a word that runs onto another
  background sticks out, which the sideways check reports): it runs in English only.

One test per role and language (pytest-xdist splits them), each running all that role's pages.
The demo data (``seed_demo``, small) is built once per module and worker and served by a live
server of the module's own: pytest-django's ``live_server`` fixture brings ``transactional_db``,
which empties the database after every test. The tests only read (``django_db`` without
transactions); the database is emptied after the module, as ``transactional_db`` would, so
nothing leaks into the next one. One browser per module (tests/browser/conftest.py), one
signed-in tab per role, the language chosen by the address.

About 2 minutes with ``-n 2`` on two cores (seed_demo about 12 s per worker, a role's pages in
one language 2 to 8 s). The browser's cache is on (no request routed through Playwright, see
CHROMIUM_ARGS): each tab fetches the styles and scripts once, not on every page.
"""

import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import empty
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from events.models import Proposal, Resource
from events.permissions import managed_proposals
from grants.demo.data import DEMO_LOGINS
from grants.letters import new_code
from grants.models import AwardLetter
from meetandcode.api.models import WebhookDelivery, WebhookEndpoint
from meetandcode.kernel import storage
from organisations.models import Membership, Organisation, PartnerStaff, User
from organisations.permissions import scope_of
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.sweep_checks import LISTEN_CSP, PAGE_CHECKS, english_left
from tests.factories import MembershipFactory, ProposalFactory, log_in_with_second_factor

# The tests only read: the live server's threads see the module's world, committed before them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTHS = (390, 1280)
HEIGHT = 900
QUIET_MS = 150  # no request under way for this long after the load event: the page has settled
POLL_MS = 25
AXE_EVERYWHERE = settings.LANGUAGE_CODE  # the language axe runs in at every width
BLOCKING = {"serious", "critical"}
ROLES = ["public", "applicant", "manager", "programme"]
TILE_HOST = re.compile(r"tile\.openstreetmap\.org|tiles\.invalid")
AXE = Axe()
RUN_AXE = (
    "async (rules) => (await axe.run(document, {rules, resultTypes: ['violations']})).violations"
)
NOT_CONTRAST = {"color-contrast": {"enabled": False}}  # axe's rules option: all the others


@dataclass
class World:
    server_url: str
    pages: dict[str, list[str]]  # role: paths, English (no language prefix)
    sessions: dict[str, str | None]  # role: session cookie
    user_texts: frozenset[str]
    contexts: dict[str, "Tab"] = field(default_factory=dict)  # role: its signed-in tab


def _pages(applicant: User, manager: User) -> dict[str, list[str]]:
    """Each page once, with the role that uses it (adding what the small demo lacks)."""
    membership = applicant.memberships.filter(status=Membership.Status.ACTIVE).first()
    organisation = membership.organisation
    mine = Proposal.objects.filter(organisation=organisation)
    draft = mine.filter(status=Proposal.Status.DRAFT).first()
    reported = mine.filter(report__status="accepted").order_by("-pk").first()
    approved = mine.filter(status=Proposal.Status.APPROVED).order_by("-pk").first()
    queue = managed_proposals(manager).order_by("-pk")
    granted = queue.filter(status=Proposal.Status.APPROVED).first() or approved
    # A small demo may have nothing waiting in the partner's countries: one to review.
    waiting = queue.filter(status=Proposal.Status.SUBMITTED).first() or ProposalFactory(
        country_programme=granted.country_programme,
        organisation=granted.organisation,
        status=Proposal.Status.SUBMITTED,
    )
    event = approved.event
    letter = approved.grant.letters.first() or _letter(approved.grant)
    endpoint = _webhook(manager)
    return {
        "public": [
            "/",
            "/events/",
            f"/events/{event.pk}-{event.slug}/",
            "/embed/map/",
            "/impact/",
            f"/countries/{organisation.country.code.lower()}/",
            "/faq/",
            "/library/",
            "/privacy/",
            "/letters/verify/",
            f"/letters/verify/{letter.code}/",  # the address the letter's QR code holds
            "/accounts/signup/",
            "/accounts/login/",
            "/accounts/password/reset/",
        ],
        "applicant": [
            "/my/",
            f"/my/organisations/{organisation.pk}/",
            f"/my/organisations/{organisation.pk}/edit/",
            "/my/organisations/new/",
            "/my/organisations/join/",
            "/my/proposals/new/",
            f"/my/proposals/{draft.pk}/",
            f"/my/proposals/{draft.pk}/edit/",
            f"/my/proposals/{approved.pk}/",
            f"/my/proposals/{reported.pk}/report/",
            reverse("organisations:account"),
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/my/account/delete/",
        ],
        "manager": [
            "/partner/",
            f"/partner/proposals/{waiting.pk}/",
            f"/partner/proposals/{waiting.pk}/review/",
            f"/partner/proposals/{granted.pk}/",
            f"/partner/proposals/{granted.pk}/payment/",
            "/partner/tokens/",
            "/partner/api-tokens/",
            "/partner/webhooks/",
            "/partner/webhooks/new/",
            f"/partner/webhooks/{endpoint.pk}/",
            "/partner/validations/",
            reverse("grants:notifications"),
        ],
        # Programme staff, who are also members of an organisation: the longest header.
        "programme": ["/partner/figures/", "/partner/payments/"],
    }


def _webhook(manager: User) -> WebhookEndpoint:
    """A webhook endpoint of the manager's, its last delivery waiting for a retry after a 500."""
    endpoint = WebhookEndpoint.objects.create(
        owner=manager,
        name="Our website",
        url="https://hooks.example.org/meetandcode",
        kinds=["event.published", "event.cancelled"],
        countries=sorted(scope_of(manager).managed_countries),
        secret="whsec_sweep",  # noqa: S106 (a test's)
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        kind="event.published",
        body='{"data": {"event": {"id": 1}}, "kind": "event.published"}',
        attempts=1,
        last_status_code=500,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    return endpoint


def _letter(grant) -> AwardLetter:
    """An award letter (the demo has none): its verification page is public."""
    return AwardLetter.objects.create(
        grant=grant,
        version=1,
        code=new_code(),
        file=ContentFile(b"%PDF-1.4 letter", name="letter.pdf"),
        language="en",
        amount=grant.amount,
        currency=grant.currency,
        fingerprint="sweep",
    )


def _english_pages(applicant: User, manager: User) -> dict[str, list[str]]:
    # Whatever language an earlier test left active in this thread: the addresses without prefix.
    with translation.override(settings.LANGUAGE_CODE):
        return _pages(applicant, manager)


def _user_texts() -> frozenset[str]:
    """What people typed (names, titles): never English to translate, whatever it says."""
    texts = set(Organisation.objects.values_list("name", flat=True))
    texts |= set(Proposal.objects.values_list("title", flat=True))
    texts |= set(Resource.objects.values_list("title", flat=True))
    texts |= set(User.objects.values_list("email", flat=True))
    return frozenset(texts)


def _session(user: User, *, second_factor: bool = True) -> str:
    """A signed-in session (staff also passed their second factor): its cookie's value."""
    client = Client()
    if second_factor:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


def _build_world(server_url: str) -> World:
    call_command("seed_demo", proposals=60, stdout=open("/dev/null", "w"))  # noqa: SIM115
    applicant, manager, programme = (
        User.objects.get(email=DEMO_LOGINS[role]) for role in ("applicant", "manager", "programme")
    )
    assert manager.partner_roles.filter(role=PartnerStaff.Role.MANAGER).exists()
    # Programme staff who also act for an organisation: the longest navigation there is.
    MembershipFactory(user=programme, organisation=Organisation.objects.first())
    # Demo accounts sign in only with DEBUG on (organisations/auth.py): here they are the
    # demo's people with ordinary accounts.
    User.objects.filter(pk__in=[applicant.pk, manager.pk, programme.pk]).update(is_demo=False)
    return World(
        server_url=server_url,
        pages=_english_pages(applicant, manager),
        sessions={
            "public": None,
            "applicant": _session(applicant, second_factor=False),
            "manager": _session(manager),
            "programme": _session(programme),
        },
        user_texts=_user_texts(),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory, browser):
    """The demo data and a live server for this module; emptied afterwards."""
    files = tmp_path_factory.mktemp("sweep")
    own_files = override_settings(
        MEDIA_ROOT=str(files / "media"),
        STORAGES={
            **settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(files / "private")},
            },
        },
    )
    with django_db_blocker.unblock():
        own_files.enable()
        storage._private_storage._wrapped = empty
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        tabs = {}
        try:
            world = _build_world(server.url)
            tabs = world.contexts
            yield world
        finally:
            for tab in tabs.values():
                tab.page.context.close()
            server._live_server_modified_settings.disable()
            server.stop()
            # What transactional_db does after each test: nothing is left for the next module.
            call_command("flush", interactive=False, verbosity=0)
            connections.close_all()
            own_files.disable()
            storage._private_storage._wrapped = empty


@dataclass
class Tab:
    page: Page
    errors: list[str] = field(default_factory=list)
    requests: set = field(default_factory=set)

    def settle(self) -> None:
        """Wait until the requests the page made after its load event (a map's events, a chart's
        data: their errors count too) have all answered, and no new one followed within
        QUIET_MS. Playwright's "networkidle" waits 500 ms of silence on every page instead."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        quiet_since = None
        while time.monotonic() < deadline:
            if self.requests:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_MS / 1000:
                return
            self.page.wait_for_timeout(POLL_MS)  # lets the page's events reach us
        pending = ", ".join(sorted(request.url for request in self.requests))
        raise AssertionError(f"requests still under way: {pending}")


def _tab(world: World, browser, role: str) -> Tab:
    """The role's signed-in tab, opened once per module."""
    if role in world.contexts:
        return world.contexts[role]
    context = browser.new_context(
        base_url=world.server_url, locale="en-GB", viewport={"width": 390, "height": HEIGHT}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(LISTEN_CSP)
    context.add_init_script(AXE.axe_script)
    # No network: a tile's name does not resolve (CHROMIUM_ARGS), after the CSP allowed it.
    if session := world.sessions[role]:
        context.add_cookies([{"name": "sessionid", "value": session, "url": world.server_url}])
    tab = Tab(page=context.new_page())

    def on_console(message):
        if message.type == "error" and not TILE_HOST.search(message.location.get("url", "")):
            tab.errors.append(f"console: {message.text[:200]}")

    tab.page.on("console", on_console)
    tab.page.on("pageerror", lambda error: tab.errors.append(f"script error: {error}"[:200]))
    tab.page.on("request", lambda request: tab.requests.add(request))
    tab.page.on("requestfinished", lambda request: tab.requests.discard(request))
    tab.page.on("requestfailed", lambda request: tab.requests.discard(request))
    world.contexts[role] = tab
    return tab


def _axe(page, language: str) -> list[str]:
    """axe's serious and critical violations (colour contrast in English only). axe is in the
    page already (an init script of the tab): axe_playwright_python would send its 570 kB again
    for every check."""
    violations = page.evaluate(RUN_AXE, {} if language == AXE_EVERYWHERE else NOT_CONTRAST)
    return [
        f"axe {v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:4])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def _look(tab: Tab, path: str, language: str, world: World) -> list[str]:
    """What is wrong with one page in one language, at both widths."""
    page = tab.page
    tab.errors.clear()
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    address = path if language == settings.LANGUAGE_CODE else f"/{language}{path}"
    response = page.goto(address, wait_until="load")
    if response is None or response.status >= 400:
        return [f"answered {response.status if response else 'nothing'}"]
    if urlsplit(page.url).path != address:
        return [f"sent on to {page.url}"]
    if tab.requests:
        tab.settle()
    found = []
    for width in WIDTHS:
        if width != WIDTHS[0]:
            page.set_viewport_size({"width": width, "height": HEIGHT})
        seen = page.evaluate(PAGE_CHECKS)
        if seen["lang"] != language:
            found.append(f'{width}px: <html lang="{seen["lang"]}">')
        found += [f"{width}px: {problem}" for problem in seen["problems"]]
        if width == WIDTHS[-1]:  # the navigation shows in full on the wide screen
            left = english_left(language, seen["texts"], world.user_texts)
            found += [f"English left: {text!r}" for text in left]
        if language == AXE_EVERYWHERE or width == WIDTHS[0]:
            found += [f"{width}px: {problem}" for problem in _axe(page, language)]
    found += page.evaluate("window.__cspViolations.splice(0)")
    found += tab.errors
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_and_speaks_the_language(world, browser, role, language):
    tab = _tab(world, browser, role)
    found = {}
    for path in world.pages[role]:
        problems = _look(tab, path, language, world)
        if problems:
            found[path] = problems
    report = "\n".join(
        f"{role} {language} {path}\n" + "\n".join(f"    {p}" for p in problems)
        for path, problems in found.items()
    )
    assert not found, "\n" + report
