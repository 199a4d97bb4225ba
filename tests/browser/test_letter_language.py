"""On the organisation form, choosing the country fills the award letters' language list with
that country's languages (htmx), where it said "Choose the country first"."""

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from tests.factories import CountryProgrammeFactory, LegalFormFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page: Page, live_server) -> Page:
    """Luxembourg (French, German) and Poland (Polish) run; a person without an organisation
    is signed in (the session cookie of a test client's login)."""
    luxembourg = CountryProgrammeFactory(country="LU", languages=["fr", "de"])
    CountryProgrammeFactory(country="PL", languages=["pl"], edition=luxembourg.edition)
    LegalFormFactory(country="LU", name="ASBL")
    LegalFormFactory(country="PL", name="Fundacja")
    client = Client()
    client.force_login(UserFactory())
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def test_choosing_the_country_fills_the_letter_languages(signed_in: Page):
    page = signed_in
    page.goto("/my/organisations/new/")
    letters = page.get_by_label("Language of award letters")
    expect(letters).to_contain_text("Choose the country first")

    page.get_by_label("Country").select_option("LU")

    expect(letters).to_contain_text("Français")
    expect(letters).to_contain_text("Deutsch")
    expect(letters).not_to_contain_text("Choose the country first")
    letters.select_option("de")

    page.get_by_label("Country").select_option("PL")

    expect(letters).to_contain_text("Polski")
    expect(letters).not_to_contain_text("Deutsch")
    expect(page.get_by_label("Legal form")).to_contain_text("Fundacja")  # both follow
