"""The account page (/my/account/): a person changes their name and preferred language, reads
the site in it at once, and finds e-mail, password, two-factor, their data and deletion there."""

import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from organisations.models import AuditEntry, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_URL = reverse("organisations:account")


@pytest.fixture
def person(client):
    user = UserFactory(first_name="Alex", last_name="Tester", language="en")
    client.force_login(user)
    return user


def _field_block(page: str, name: str) -> str:
    """The HTML of one field's wrapper (crispy's div#div_id_<name>) up to the next field or the
    end of the form: the field, its error and its help text."""
    start = page.index(f'id="div_id_{name}"')
    end = min(
        i for i in (page.find('id="div_id_', start + 1), page.index("</form>", start)) if i > 0
    )
    return page[start:end]


def test_a_person_changes_name_and_language_and_reads_the_site_in_it(client, person):
    response = client.post(
        ACCOUNT_URL, {"first_name": " Maria ", "last_name": "Schmidt", "language": "de"}
    )

    with translation.override("de"):
        german_account = reverse("organisations:account")
    assert german_account.startswith("/de/")
    assert response.status_code == 302
    assert response["Location"] == german_account
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.language) == ("Maria", "Schmidt", "de")
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.actor == person
    assert sorted(entry.data["fields"]) == ["first_name", "language", "last_name"]
    assert (entry.from_state, entry.to_state) == ("en", "de")

    page = client.get(german_account).content.decode()
    assert '<html lang="de"' in page
    assert "Abmelden" in page and "Log out" not in page  # the interface, not only the address
    assert 'value="Maria"' in page and 'value="Schmidt"' in page
    assert re.search(r'<option value="de"[^>]*selected', page)


def test_saving_unchanged_details_writes_no_audit_entry(client, person):
    client.post(ACCOUNT_URL, {"first_name": "Alex", "last_name": "Tester", "language": "en"})

    assert not AuditEntry.objects.filter(action="account.update").exists()


def test_a_missing_first_name_is_said_next_to_it_and_keeps_what_was_typed(client, person):
    response = client.post(
        ACCOUNT_URL, {"first_name": "  ", "last_name": "Kowalska", "language": "pl"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter your first name." in _field_block(page, "first_name")
    assert 'value="Kowalska"' in page
    assert re.search(r'<option value="pl"[^>]*selected', page)
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.language) == ("Alex", "Tester", "en")
    assert not AuditEntry.objects.filter(action="account.update").exists()


def test_a_language_the_site_does_not_offer_is_refused_next_to_the_field(client, person):
    response = client.post(
        ACCOUNT_URL, {"first_name": "Alex", "last_name": "<b>Tester</b>", "language": "xx"}
    )

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Choose one of the languages in the list." in _field_block(page, "language")
    assert "A name cannot contain < or >." in _field_block(page, "last_name")
    assert User.objects.get(pk=person.pk).language == "en"


def test_the_account_page_links_to_sign_in_settings_data_and_deletion(client, person):
    page = client.get(ACCOUNT_URL).content.decode()

    for name in ("account_email", "account_change_password", "mfa_index"):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("organisations:account_data")}"' in page
    assert f'href="{reverse("organisations:delete_account")}"' in page
    assert person.email in page


def test_the_header_links_to_the_account_page(client, person):
    page = client.get(reverse("organisations:mine")).content.decode()

    assert re.search(rf'class="nav-link nav-account" href="{ACCOUNT_URL}"', page)


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(ACCOUNT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    assert client.post(ACCOUNT_URL, {"first_name": "X", "language": "de"}).status_code == 302
