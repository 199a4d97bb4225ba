"""axe-core finds no serious or critical violation on the programme's public pages, on the demo
data: the impact figures (chart and table), the library (also filtered), the FAQ, a country page
and the home page with its upcoming events and figures."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from grants.demo.data import demo_editions
from tests.browser.test_accessibility import _blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo's oldest edition: over, with its events held and reported, whatever the day.
FINISHED_EDITION = demo_editions(timezone.localdate())[0]["year"]
PAGES = [
    "/impact/",
    f"/impact/?edition={FINISHED_EDITION}",
    "/library/",
    "/library/?kind=lesson_plan&age=8-12",
    "/faq/",
    "/countries/lu/",
    "/countries/be/",
    "/",
]


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", proposals=300, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_public_content_pages_have_no_serious_violation(demo, page: Page):
    problems = []
    for path in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        problems += _blocking_violations(page)
    assert not problems, "\n".join(problems)


def test_the_impact_chart_has_a_text_alternative_and_a_table(demo, page: Page):
    page.goto(f"/impact/?edition={FINISHED_EDITION}")

    chart = page.get_by_role("img", name="Participants per country")
    expect(chart).to_be_visible()
    assert "Luxembourg:" in page.locator("#chart-desc").text_content()
    expect(page.get_by_role("table")).to_contain_text("Luxembourg")


def test_the_library_filters_from_its_form(demo, page: Page):
    page.goto("/library/")
    page.get_by_text("Filter resources").click()
    page.get_by_label("Type").select_option("video")
    page.get_by_role("button", name="Show resources").click()

    expect(page).to_have_url("/library/?q=&kind=video&format=&age=&language=", ignore_case=True)
    expect(page.get_by_role("heading", name="1 resource")).to_be_visible()
