"""Activating the authenticator app returns to the page that asked for it (organisations/
views_mfa.py): through the recovery codes, shown once with a button back to that page; a
``next`` of another site is never followed."""

import html
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from organisations.models import PartnerStaff
from tests.factories import PASSWORD, PartnerStaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE_URL = reverse("mfa_activate_totp")
CODES_URL = reverse("mfa_view_recovery_codes")


@pytest.fixture
def reviewer(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30 s boundary still counts
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    PartnerStaffFactory(user=user, role=PartnerStaff.Role.REVIEWER)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return user


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _activation_form(page) -> str:
    """The activation form's HTML (the page has other forms: the language switcher's)."""
    pattern = rf'<form method="post" action="{ACTIVATE_URL}">.*?</form>'
    return re.search(pattern, page.content.decode(), re.S).group(0)


def _open_activation(client, activate_url: str):
    """The activation page as sent there: allauth first asks for the password again, then goes
    on to it."""
    reauthenticate = client.get(activate_url)
    assert urlparse(reauthenticate["Location"]).path == reverse("account_reauthenticate")
    back = client.post(reauthenticate["Location"], {"password": PASSWORD})
    assert back["Location"] == activate_url
    page = client.get(activate_url)
    assert page.status_code == 200
    return page


def _enter_code(client, page):
    """Post the activation form as the browser would: a current code and its hidden fields."""
    hidden = r'<input type="hidden" name="(\w+)" value="([^"]*)"'
    fields = {
        name: html.unescape(value) for name, value in re.findall(hidden, _activation_form(page))
    }
    fields.pop("csrfmiddlewaretoken", None)
    return client.post(
        ACTIVATE_URL, {**fields, "code": _current_code(client.session[SECRET_SESSION_KEY])}
    )


def _activate(client, activate_url: str):
    page = _open_activation(client, activate_url)
    return page, _enter_code(client, page)


def test_after_activating_the_reviewer_sees_the_codes_then_goes_back_to_the_dashboard(
    client, reviewer
):
    dashboard = reverse("grants:dashboard")
    sent_to = client.get(dashboard)["Location"]
    assert urlparse(sent_to).path == ACTIVATE_URL

    _page, response = _activate(client, sent_to)

    assert Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.TOTP).exists()
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == CODES_URL  # the codes, once, before going on
    assert parse_qs(location.query)["next"] == [dashboard]
    codes_page = client.get(response["Location"]).content.decode()
    assert "Save these recovery codes now." in codes_page
    assert 'id="recovery_codes"' in codes_page
    assert re.search(rf'<a href="{dashboard}"[^>]*id="continue-after-codes"', codes_page)
    assert client.get(dashboard).status_code == 200  # the second factor counts at once


def test_a_next_of_another_site_is_not_followed(client, reviewer):
    ours = _open_activation(client, f"{ACTIVATE_URL}?next=/partner/")
    evil = client.get(ACTIVATE_URL, {"next": "https://evil.example.org/"})

    assert 'name="next" value="/partner/"' in _activation_form(ours)  # ours is carried
    assert "evil.example.org" not in _activation_form(evil)  # the other site's is not
    response = _enter_code(client, evil)
    assert response.status_code == 302
    assert response["Location"] == CODES_URL
    codes_page = client.get(response["Location"]).content.decode()
    assert 'id="continue-after-codes"' not in codes_page


def test_the_codes_page_offers_to_continue_only_to_a_page_of_ours(client, reviewer):
    _activate(client, ACTIVATE_URL)

    evil = client.get(CODES_URL, {"next": "//evil.example.org/partner/"}).content.decode()
    ours = client.get(CODES_URL, {"next": "/partner/"}).content.decode()

    assert 'id="continue-after-codes"' not in evil
    assert 'href="//evil.example.org' not in evil
    assert re.search(r'<a href="/partner/"[^>]*id="continue-after-codes"', ours)
