"""The account page on a phone (390 px): nothing scrolls sideways, and a person who changes
their name and language reads the site in that language at once."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from organisations.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.fixture
def signed_in(page: Page, live_server) -> tuple[Page, User]:
    user = UserFactory(first_name="Alex", last_name="Tester", language="en")
    client = Client()
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page, user


def test_on_a_phone_a_person_changes_name_and_language(signed_in):
    page, user = signed_in
    page.goto("/my/account/")
    assert page.viewport_size["width"] == 390
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    expect(page.get_by_role("link", name="Download all my data (JSON)")).to_be_visible()
    expect(page.get_by_role("link", name="Delete my account")).to_be_visible()

    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Save name and language").click()
    expect(page.locator("#div_id_first_name")).to_contain_text("Enter your first name.")

    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Schmidt")
    page.get_by_label("Preferred language").select_option("de")
    page.get_by_role("button", name="Save name and language").click()

    expect(page).to_have_url(re.compile(r"/de/my/account/$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert "Abmelden" in page.content()  # the interface too, not only the address
    expect(page.locator("#id_first_name")).to_have_value("Maria")
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.language) == ("Maria", "Schmidt", "de")
