"""The award letters' language on the organisation form follows the chosen country: the select
asks organisations:letter_languages for that country's languages (htmx) when the country
changes; without JavaScript the server limits and checks them on submit."""

import re

import pytest
from django.urls import reverse

from tests.factories import CountryProgrammeFactory, LegalFormFactory, UserFactory

pytestmark = pytest.mark.django_db

OPTIONS_URL = reverse("organisations:letter_languages")
CREATE_URL = reverse("organisations:create")


@pytest.fixture
def countries():
    """Luxembourg writes French and German, Poland Polish; both have legal forms."""
    luxembourg = CountryProgrammeFactory(country="LU", languages=["fr", "de"])
    CountryProgrammeFactory(country="PL", languages=["pl"], edition=luxembourg.edition)
    LegalFormFactory(country="LU", name="ASBL")
    LegalFormFactory(country="PL", name="Fundacja")


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _options(response) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', response.content.decode())


def test_the_endpoint_answers_the_options_of_the_chosen_country(client, person, countries):
    response = client.get(OPTIONS_URL, {"country": "LU"}, headers={"HX-Request": "true"})

    body = response.content.decode().strip()
    assert response.status_code == 200
    assert body.startswith("<option") and "<html" not in body
    assert [code for code, _label in _options(response)] == ["", "fr", "de"]
    assert ("fr", "Français") in _options(response)
    assert "Choose the country first" not in body


def test_a_choice_the_new_country_speaks_stays_chosen(client, person, countries):
    kept = client.get(OPTIONS_URL, {"country": "LU", "letter_language": "de"})
    dropped = client.get(OPTIONS_URL, {"country": "PL", "letter_language": "de"})

    assert '<option value="de" selected>' in kept.content.decode()
    assert [code for code, _label in _options(dropped)] == ["", "pl"]
    assert '<option value="" selected>' in dropped.content.decode()  # the country's first


@pytest.mark.parametrize("country", ["", "XX", "<script>"])
def test_no_or_an_unknown_country_asks_to_choose_the_country_first(
    client, person, countries, country
):
    response = client.get(OPTIONS_URL, {"country": country})

    assert _options(response) == [("", "Choose the country first")]


def test_the_select_asks_for_its_options_when_the_country_changes(client, person, countries):
    page = client.get(CREATE_URL).content.decode()

    select = re.search(r'<select name="letter_language"[^>]*>', page).group(0)
    assert f'hx-get="{OPTIONS_URL}"' in select
    assert 'hx-trigger="change from:#id_country"' in select
    assert 'hx-include="#id_country"' in select


def test_a_visitor_is_sent_to_log_in(client, countries):
    response = client.get(OPTIONS_URL, {"country": "LU"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
